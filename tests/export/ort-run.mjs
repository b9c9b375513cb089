// ort-run.mjs — one ONNX model through ONNX Runtime Web (the npm package
// onnxruntime-web, WebAssembly backend, one thread) under Node, for
// check-exports.py.
//
//   node ort-run.mjs ORT_DIR MODEL.onnx OUT_PREFIX INPUT.f32:d0,d1,... [INPUT2.f32:...]
//
// ORT_DIR is the node_modules folder holding onnxruntime-web. Inputs are raw
// little-endian float32 in the order of the model's graph inputs; each output
// i (graph order) is written to OUT_PREFIX<i>.f32, and its name and dims are
// printed as one JSON line.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [ortDir, model, outPrefix, ...inputs] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(ortDir), 'x.js'));
const ort = require('onnxruntime-web');
ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

const session = await ort.InferenceSession.create(readFileSync(model), {
  executionProviders: ['wasm'],
});
if (inputs.length !== session.inputNames.length) {
  console.error(`${model}: ${session.inputNames.length} inputs, ${inputs.length} given`);
  process.exit(1);
}
const feeds = {};
inputs.forEach((spec, i) => {
  const colon = spec.lastIndexOf(':');
  const dims = spec.slice(colon + 1).split(',').map(Number);
  const bytes = readFileSync(spec.slice(0, colon));
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  feeds[session.inputNames[i]] = new ort.Tensor('float32', Float32Array.from(data), dims);
});
const results = await session.run(feeds);
const described = session.outputNames.map((name, i) => {
  const t = results[name];
  writeFileSync(`${outPrefix}${i}.f32`, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  return { name, dims: t.dims };
});
console.log(JSON.stringify(described));
