// An AWS Lambda function behind API Gateway (REST or HTTP API) or a function URL: the request body
// is an image, base64-encoded by the gateway (`isBase64Encoded: true`); the response is JSON
// predictions. `?top=3` asks for 3 of them.
import { fileURLToPath } from 'node:url';
import { createClassifier, DEFAULTS, type ErrorCode, isOnnxMobilenetError, type NodeClassifier, OnnxMobilenetError } from '@onnx-mobilenet/node';

/** The part of an API Gateway / function URL event this handler reads. */
export interface HttpEvent {
  body?: string | null | undefined;
  isBase64Encoded?: boolean | undefined;
  queryStringParameters?: Record<string, string | undefined> | null | undefined;
}

/** The proxy integration's response. */
export interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

// The model and labels travel in the zip beside this file (build.mjs puts them there): the
// function has no network at cold start, and nothing is downloaded or cached (no writable home).
const MODEL = fileURLToPath(new URL('./model/model.onnx', import.meta.url));
const LABELS = fileURLToPath(new URL('./model/labels.txt', import.meta.url));

// One classifier per container, created by the first request and reused by the following ones
// (a warm container keeps module state). A failed creation is retried by the next request.
let classifier: Promise<NodeClassifier> | undefined;
function getClassifier(): Promise<NodeClassifier> {
  if (!classifier) {
    const started = performance.now();
    classifier = createClassifier({ model: MODEL, labels: LABELS }).then((c) => {
      console.log(JSON.stringify({ message: 'classifier loaded', ms: Math.round(performance.now() - started) }));
      return c;
    });
    classifier.catch(() => (classifier = undefined));
  }
  return classifier;
}

// What each error code means for the caller: a bad request (4xx) or our fault (5xx, the default).
const STATUS: Partial<Record<ErrorCode, number>> = { E_INPUT: 400, E_LIMIT: 413, E_IMAGE_DECODE: 422 };
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
// The longest body the classifier's own byte limit could accept, base64 (4 characters per 3
// bytes), with room for line breaks: checked before any copy or decode of the body.
const MAX_BODY_CHARS = Math.ceil(DEFAULTS.limits.maxEncodedBytes / 3) * 4 * 1.02;

function json(statusCode: number, value: unknown): HttpResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

/** The image bytes of the request, or an `E_INPUT` naming what to send. */
function imageBytes(event: HttpEvent): Uint8Array {
  const body = event?.body;
  if (typeof body !== 'string' || body.length === 0) throw new OnnxMobilenetError('E_INPUT', 'send the image as the request body');
  if (event.isBase64Encoded !== true)
    throw new OnnxMobilenetError(
      'E_INPUT',
      'the body must arrive base64-encoded (isBase64Encoded: true): with a REST API, add the image types (or */*) to its binary media types',
    );
  if (body.length > MAX_BODY_CHARS)
    throw new OnnxMobilenetError(
      'E_LIMIT',
      `the body is ${body.length} base64 characters, more than an image of limits.maxEncodedBytes (${DEFAULTS.limits.maxEncodedBytes} bytes) takes`,
    );
  const text = body.replace(/\s+/g, '');
  if (text.length % 4 !== 0 || !BASE64.test(text)) throw new OnnxMobilenetError('E_INPUT', 'the body is not valid base64');
  return Buffer.from(text, 'base64');
}

function topK(event: HttpEvent): number | undefined {
  const top = event?.queryStringParameters?.top;
  // anything but digits is passed on as NaN, which the classifier refuses with E_INPUT naming topK
  return top === undefined ? undefined : /^\d+$/.test(top) ? Number(top) : Number.NaN;
}

/**
 * `index.handler`: classifies the request body's image.
 *
 * @returns 200 `{ predictions: [{ index, id, label, probability }] }`; a bad request 400/413/422
 * and a failure 500, each `{ error: { code, message } }`.
 */
export async function handler(event: HttpEvent): Promise<HttpResult> {
  try {
    const bytes = imageBytes(event);
    const top = topK(event);
    const predictions = await (await getClassifier()).classify(bytes, top === undefined ? {} : { topK: top });
    return json(200, { predictions });
  } catch (err) {
    const status = isOnnxMobilenetError(err) ? (STATUS[err.code] ?? 500) : 500;
    // A bad request learns what was wrong; a failure of ours is logged, not shown (paths, loader text).
    if (isOnnxMobilenetError(err) && status < 500) return json(status, { error: { code: err.code, message: err.message } });
    console.error(err);
    if (isOnnxMobilenetError(err)) return json(500, { error: { code: err.code, message: 'the function failed (see its log)' } });
    return json(500, { error: { code: 'E_INTERNAL', message: 'internal error (see the function log)' } });
  }
}
