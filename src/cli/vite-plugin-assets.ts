/**
 * Vite plugin: makes the runtime model assets part of the app's own origin, in dev and in the build.
 *  - models/face/<file>            -> <base>models/face/<file>       (BlazeFace tflite, FaceMesh graph, maps)
 *  - tasks-vision SIMD wasm loader -> <base>mediapipe/wasm/vision_wasm_internal.{js,wasm}
 *  - tfjs-backend-wasm binaries    -> <base>tfjs/wasm/tfjs-backend-wasm{,-simd,-threaded-simd}.wasm (FaceMesh runs
 *    there; tfjs picks the build by browser features, the threaded one only on cross-origin isolated pages)
 *  - models/mol/<id>/{model.json,*.bin} -> <base>models/mol/<id>/<file> (MOL web weights, models/README.md)
 * Emitted files land in dist/ where the PWA's Workbox glob precaches them, so tracking works offline.
 * In dev only, `/@analyze-input` serves the one file named by MOL_ANALYZE_INPUT (set by `npm run analyze`),
 * so the headless analysis page can stream a local video without base64 round trips.
 */
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';

const FACE_DIR = 'models/face';
const FACE_FILE = /\.(tflite|json|bin)$/;
const WASM_FILES = ['vision_wasm_internal.js', 'vision_wasm_internal.wasm'];
const TFJS_WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
const MOL_DIR = 'models/mol';
const MOL_FILE = /^(model\.json|[\w.-]+\.bin)$/;
export const ANALYZE_INPUT_ROUTE = '/@analyze-input';
export const ANALYZE_INPUT_ENV = 'MOL_ANALYZE_INPUT';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.tflite': 'application/octet-stream',
};

/** url path (relative to base) -> absolute file path */
function assetTable(root: string): Map<string, string> {
  const table = new Map<string, string>();
  const faceDir = path.join(root, FACE_DIR);
  if (existsSync(faceDir)) {
    for (const f of readdirSync(faceDir)) if (FACE_FILE.test(f)) table.set(`${FACE_DIR}/${f}`, path.join(faceDir, f));
  }
  // Each MOL model is a folder with a model.json; anything else under models/mol/ is not served.
  const molDir = path.join(root, MOL_DIR);
  if (existsSync(molDir)) {
    for (const id of readdirSync(molDir)) {
      const dir = path.join(molDir, id);
      if (!/^[\w.-]+$/.test(id) || !existsSync(path.join(dir, 'model.json'))) continue;
      for (const f of readdirSync(dir)) if (MOL_FILE.test(f)) table.set(`${MOL_DIR}/${id}/${f}`, path.join(dir, f));
    }
  }
  const wasmDir = path.join(root, 'node_modules/@mediapipe/tasks-vision/wasm');
  for (const f of WASM_FILES) table.set(`mediapipe/wasm/${f}`, path.join(wasmDir, f));
  const tfjsWasmDir = path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  for (const f of TFJS_WASM_FILES) table.set(`tfjs/wasm/${f}`, path.join(tfjsWasmDir, f));
  return table;
}

export function modelAssetsPlugin(): Plugin {
  let root = process.cwd();
  return {
    name: 'mol-model-assets',
    configResolved(config) {
      root = config.root;
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = (req.url ?? '').split('?')[0];
        if (url === ANALYZE_INPUT_ROUTE) {
          const file = process.env[ANALYZE_INPUT_ENV];
          if (!file || !existsSync(file)) {
            res.statusCode = 404;
            res.end('no analyze input');
            return;
          }
          res.setHeader('Content-Type', 'application/octet-stream');
          res.setHeader('Content-Length', String(statSync(file).size));
          createReadStream(file).pipe(res);
          return;
        }
        const m = /\/((?:models\/face|models\/mol\/[\w.-]+|mediapipe\/wasm|tfjs\/wasm)\/[\w.-]+)$/.exec(url);
        const file = m ? assetTable(root).get(m[1]) : undefined;
        if (!file || !existsSync(file)) return next();
        res.setHeader('Content-Type', CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream');
        res.setHeader('Content-Length', String(statSync(file).size));
        createReadStream(file).pipe(res);
      });
    },
    generateBundle() {
      for (const [fileName, file] of assetTable(root)) {
        if (!existsSync(file)) this.error(`model asset missing: ${file} (run npm run assets:face / npm ci)`);
        this.emitFile({ type: 'asset', fileName, source: readFileSync(file) });
      }
    },
  };
}
