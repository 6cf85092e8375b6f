// Hostile HTTP behaviours on 127.0.0.1, for the download tests (hostile-http, fuzz-http).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants, createGzip, gzipSync } from 'node:zlib';

/** One way for a server to answer a request. */
export type Behaviour =
  | { kind: 'file'; body: Uint8Array; type?: string; gzip?: boolean }
  | { kind: 'silent' } // accepts the request, never sends headers
  | { kind: 'stall'; after: number } // headers and `after` bytes, then nothing
  | { kind: 'drip'; body: Uint8Array; chunk: number; everyMs: number } // a slow but finite body
  | { kind: 'endless'; gzip?: boolean; cap: number } // zeros until the client leaves or `cap` bytes (decoded) were produced
  | { kind: 'cut'; body: Uint8Array; after: number } // Content-Length of the whole body, then the socket is destroyed
  | { kind: 'lying-length'; body: Uint8Array; declared: number } // Content-Length that differs from the body
  | { kind: 'redirect'; to: string }
  | { kind: 'status'; status: number; body?: string; type?: string }
  | { kind: 'huge-header'; bytes: number };

/** A server whose paths answer with behaviours; `produced` tells how many body bytes an endless route produced before the client left. */
export interface HostileServer {
  url: (path: string) => string;
  produced: Map<string, number>;
  hits: Map<string, number>;
  close: () => Promise<void>;
}

const gzipped = new WeakMap<Uint8Array, Uint8Array>();

export async function serveHostile(routes: Record<string, Behaviour>): Promise<HostileServer> {
  const produced = new Map<string, number>();
  // Compressed up front, as a mirror stores it: compressing a model per request takes longer than a short downloadTimeoutMs.
  for (const route of Object.values(routes)) if (route.kind === 'file' && route.gzip) gzipped.set(route.body, gzipSync(route.body));
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    res.setHeader('access-control-allow-origin', '*'); // the browser tests fetch from another origin
    const route = routes[path];
    if (!route) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    answer(route, path, req, res, produced);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (path) => `${base}${path}`,
    produced,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(route: Behaviour, path: string, req: IncomingMessage, res: ServerResponse, produced: Map<string, number>): void {
  switch (route.kind) {
    case 'file': {
      const headers: Record<string, string> = { 'content-type': route.type ?? 'application/octet-stream' };
      if (!route.gzip) return void res.writeHead(200, { ...headers, 'content-length': String(route.body.byteLength) }).end(route.body);
      // As a compressing mirror does: Content-Length counts the gzip bytes, not the file's.
      const body = gzipped.get(route.body)!;
      return void res.writeHead(200, { ...headers, 'content-encoding': 'gzip', 'content-length': String(body.byteLength) }).end(body);
    }
    case 'silent':
      return; // the socket stays open, nothing is ever sent
    case 'stall':
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(route.after + 1000) });
      res.write(new Uint8Array(route.after));
      return;
    case 'drip': {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(route.body.byteLength) });
      let at = 0;
      const timer = setInterval(() => {
        if (res.destroyed) return void clearInterval(timer);
        res.write(route.body.subarray(at, at + route.chunk));
        at += route.chunk;
        if (at >= route.body.byteLength) {
          clearInterval(timer);
          res.end();
        }
      }, route.everyMs);
      res.on('close', () => clearInterval(timer));
      return;
    }
    case 'endless': {
      res.writeHead(200, { 'content-type': 'application/octet-stream', ...(route.gzip ? { 'content-encoding': 'gzip' } : {}) });
      // Flushed per write: the client gets compressed bytes steadily (no pause a short timeout would see).
      const sink = route.gzip ? createGzip({ flush: constants.Z_SYNC_FLUSH }) : res;
      if (route.gzip) (sink as ReturnType<typeof createGzip>).pipe(res);
      const chunk = new Uint8Array(64 * 1024);
      let count = 0;
      let closed = false;
      res.on('close', () => {
        closed = true;
        produced.set(path, count);
      });
      const pump = () => {
        while (!closed && count < route.cap) {
          count += chunk.byteLength;
          if (!sink.write(chunk)) return void sink.once('drain', pump);
        }
        if (!closed) sink.end();
      };
      pump();
      return;
    }
    case 'cut':
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(route.body.byteLength) });
      res.write(route.body.subarray(0, route.after), () => res.socket?.destroy());
      return;
    case 'lying-length':
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(route.declared) });
      if (route.declared < route.body.byteLength)
        res.socket?.write(route.body); // more than declared, raw on the socket
      else res.write(route.body, () => res.socket?.destroy());
      return;
    case 'redirect':
      return void res.writeHead(302, { location: route.to }).end();
    case 'status':
      return void res.writeHead(route.status, { 'content-type': route.type ?? 'text/plain' }).end(route.body ?? '');
    case 'huge-header':
      res.setHeader('x-padding', 'a'.repeat(route.bytes));
      return void res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '0' }).end();
  }
  void req;
}
