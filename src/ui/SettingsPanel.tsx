/** Source choice (camera with picker / file / demo) and the overlay toggle. */
import { useRef } from 'react';
import { useAppStore } from '../state/store';
import type { OverlayMode } from '../state/settings-slice';

export interface SourceActions {
  useCamera(deviceId?: string | null): void;
  useDemo(): void;
  useFile(file: File): void;
}

export const VIDEO_FILE_ACCEPT = 'video/*,.y4m,.webm,.mp4';

export function SettingsPanel({ actions }: { actions: SourceActions }) {
  const cameras = useAppStore((s) => s.cameras);
  const cameraId = useAppStore((s) => s.cameraId);
  const overlayMode = useAppStore((s) => s.overlayMode);
  const sourceKind = useAppStore((s) => s.sourceKind);
  const everyFrame = useAppStore((s) => s.cameraEveryFrame);
  const fileInput = useRef<HTMLInputElement>(null);
  return (
    <section className="settings" aria-label="Settings">
      <h2>Source</h2>
      <div className="row">
        <button type="button" aria-pressed={sourceKind === 'camera'} onClick={() => actions.useCamera(cameraId)}>
          Camera
        </button>
        <button type="button" aria-pressed={sourceKind === 'file'} onClick={() => fileInput.current?.click()}>
          Video file…
        </button>
        <button type="button" aria-pressed={sourceKind === 'demo'} onClick={() => actions.useDemo()}>
          Demo clip
        </button>
      </div>
      <input
        ref={fileInput}
        type="file"
        accept={VIDEO_FILE_ACCEPT}
        hidden
        data-testid="file-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) actions.useFile(file);
        }}
      />
      <p className="hint">or drop a video file on the picture.</p>
      <label>
        Camera{' '}
        <select
          data-testid="camera-picker"
          value={cameraId ?? ''}
          onChange={(e) => {
            const id = e.target.value || null;
            useAppStore.getState().setCameraId(id);
            actions.useCamera(id);
          }}
        >
          <option value="">Default camera</option>
          {cameras.map((c) => (
            <option key={c.deviceId} value={c.deviceId}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <label title="A slow machine then falls behind live (the status bar says by how much) instead of skipping frames, so short expressions are seen whole.">
        <input
          type="checkbox"
          data-testid="camera-every-frame"
          checked={everyFrame}
          onChange={(e) => {
            useAppStore.getState().setCameraEveryFrame(e.target.checked);
            if (sourceKind === 'camera') actions.useCamera(cameraId);
          }}
        />
        Analyse every camera frame (may fall behind live)
      </label>
      <h2>Overlay</h2>
      <div className="row" role="radiogroup" aria-label="Landmark overlay">
        {(['68', '478', 'off'] as OverlayMode[]).map((m) => (
          <label key={m}>
            <input type="radio" name="overlay" value={m} checked={overlayMode === m} onChange={() => useAppStore.getState().setOverlayMode(m)} />
            {m === 'off' ? 'off' : `${m} points`}
          </label>
        ))}
      </div>
    </section>
  );
}
