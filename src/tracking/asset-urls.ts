/**
 * URLs of the runtime tracking assets, all on the app's own origin. BASE_URL is '/' in dev (so pages in
 * sub-folders, like the analyze page, still resolve them) and './' in the build (relative to index.html).
 */
function assetUrl(rel: string): string {
  const base = import.meta.env.BASE_URL;
  return new URL(base + rel, document.baseURI).href;
}

export const trackingAssets = {
  blazeFace: () => assetUrl('models/face/blaze_face_short_range.tflite'),
  faceMesh: () => assetUrl('models/face/facemesh-attention.json'),
  refinement: () => assetUrl('models/face/facemesh-refinement.json'),
  wasmLoader: () => assetUrl('mediapipe/wasm/vision_wasm_internal.js'),
  wasmBinary: () => assetUrl('mediapipe/wasm/vision_wasm_internal.wasm'),
  /** Folder (trailing '/') of tfjs-backend-wasm's binaries, for setWasmPaths. */
  tfjsWasmDir: () => assetUrl('tfjs/wasm/'),
};
