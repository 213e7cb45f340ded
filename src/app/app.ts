/**
 * The app's single controller instance, wired to the real pipeline and sources, plus the actions the UI calls.
 * GPU failures reported by the tfjs backend (device lost, uncaptured WGSL errors) stop analysis with a message.
 */
import { createPipeline } from '../pipeline/pipeline';
import { onGpuFailure } from '../gpu/tf-backend';
import { listCameras } from '../ingest/camera-devices';
import { useAppStore } from '../state/store';
import { AppController } from './controller';
import { createSource } from './sources';
import { chooseStartupSource, everyFrameFromSearch, laneRestFromSearch, preferredBackend } from './startup';
import type { SourceActions } from '../ui/SettingsPanel';
import { weightsChoiceFromSearch } from '../model/shipped-weights';

const backend = preferredBackend(location.search);
// `?weights=shipped|recipe[:seed]|none` (src/model/shipped-weights.ts); the model's state goes to the store.
export const controller = new AppController(
  () => createPipeline({
    backend,
    model: weightsChoiceFromSearch(location.search),
    // Live sources drop frames while one is analysed: MOL runs beside tracking so spotting keeps the pace.
    modelMode: 'lane',
    modelLaneRest: laneRestFromSearch(location.search),
    onStatus: (s) => { if (s.stage === 'model') useAppStore.getState().setModelStatus(s.model); },
  }),
  createSource,
  backend,
);

onGpuFailure((message) => controller.reportGpuFailure(message));

/** After the camera opened, labels become readable: refresh the picker. */
async function refreshCameras(): Promise<void> {
  useAppStore.getState().setCameras(await listCameras().catch(() => []));
}

function run(promise: Promise<void>): void {
  // The controller turns failures into on-screen problems; this only guards against bugs in that path.
  promise.catch((err) => console.error('source run failed', err));
}

export const sourceActions: SourceActions = {
  useCamera(deviceId) {
    if (deviceId !== undefined) useAppStore.getState().setCameraId(deviceId);
    run(controller.start('camera'));
    const unsub = useAppStore.subscribe((s) => {
      if (s.sourceKind === 'camera' && s.sourceStatus === 'running') {
        unsub();
        void refreshCameras();
      } else if (s.sourceKind !== 'camera' || s.sourceStatus !== 'starting') unsub();
    });
  },
  useDemo() {
    run(controller.start('demo'));
  },
  useFile(file) {
    run(controller.start('file', file));
  },
};

/** Picks and starts the first source (see startup.ts). */
export async function startApp(search: string): Promise<void> {
  const everyFrame = everyFrameFromSearch(search);
  if (everyFrame !== undefined) useAppStore.getState().setCameraEveryFrame(everyFrame);
  const choice = await chooseStartupSource(search);
  useAppStore.getState().setCameras(choice.cameras);
  // The user may already have picked a source (e.g. dropped a file) while devices were being listed.
  if (useAppStore.getState().sourceKind !== null) return;
  useAppStore.getState().setNotice('startup', choice.note);
  if (choice.kind === 'camera') sourceActions.useCamera();
  else sourceActions.useDemo();
}
