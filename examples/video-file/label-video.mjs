// Label a video file frame by frame:
//   node label-video.mjs <video> [--fps 2] [--model m] [--labels l] [--ffmpeg path]
// ffmpeg (a separate install: apt-get install ffmpeg, brew install ffmpeg) decodes the video into
// raw RGB frames; classifyStream labels them in order, one line a frame: `<seconds>s<TAB><label><TAB><percent>%`.
import { parseArgs } from 'node:util';
import { createClassifier, isOnnxMobilenetError, videoFrames } from '@onnx-mobilenet/node';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { fps: { type: 'string', default: '2' }, model: { type: 'string' }, labels: { type: 'string' }, ffmpeg: { type: 'string' } },
});
const [video] = positionals;
if (!video) {
  console.error('usage: node label-video.mjs <video> [--fps frames-per-second] [--model name|path] [--labels path] [--ffmpeg path]');
  process.exit(2);
}

const classifier = await createClassifier({ model: values.model, labels: values.labels });
const stop = new AbortController();
process.once('SIGINT', () => stop.abort()); // Ctrl-C kills ffmpeg and ends the loop

const started = performance.now();
let frames = 0;
try {
  // ffmpeg samples `fps` frames a second, each the video's center square at 256x256 (what the
  // model looks at); it decodes only as fast as the frames are classified.
  const source = videoFrames(video, { fps: Number(values.fps), ffmpeg: values.ffmpeg, signal: stop.signal });
  for await (const r of classifier.classifyStream(source, { topK: 1, signal: stop.signal })) {
    const seconds = (r.timestamp / 1000).toFixed(2);
    if (r.error) console.log(`${seconds}s\t${r.error.code}\t${r.error.message}`);
    else console.log(`${seconds}s\t${r.predictions[0].label}\t${(r.predictions[0].probability * 100).toFixed(1)}%`);
    frames++;
  }
} catch (err) {
  if (err.name === 'AbortError') process.exitCode = 130;
  else {
    // the video missing (E_NOT_FOUND), ffmpeg missing (E_RUNTIME, with the fix), not a video (E_IMAGE_DECODE)
    console.error(isOnnxMobilenetError(err) ? `${err.code}: ${err.message}` : err);
    process.exitCode = 1;
  }
} finally {
  await classifier.dispose();
}
if (!process.exitCode) {
  const elapsed = (performance.now() - started) / 1000;
  console.error(`${frames} frames in ${elapsed.toFixed(2)} s (${(frames / elapsed).toFixed(1)} frames/s, ffmpeg decoding and the classifier together)`);
}
