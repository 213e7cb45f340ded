/** Layout: the analysed video with overlay and messages, the crop preview and settings, the status bar. */
import { useRef } from 'react';
import type { SourceActions } from './SettingsPanel';
import { SettingsPanel, VIDEO_FILE_ACCEPT } from './SettingsPanel';
import { VideoStage } from './VideoStage';
import { CropPreview } from './CropPreview';
import { StatusBar } from './StatusBar';
import { Notices, ProblemPanel } from './ProblemPanel';

export function App({ actions }: { actions: SourceActions }) {
  const fileInput = useRef<HTMLInputElement>(null);
  const chooseFile = () => fileInput.current?.click();
  return (
    <div className="app">
      <header>
        <h1>Micro-expression analyzer</h1>
        <p className="tagline">Runs entirely in this browser: no frame leaves your machine.</p>
      </header>
      <main>
        <div className="left">
          <VideoStage onDropFile={actions.useFile}>
            <ProblemPanel actions={actions} chooseFile={chooseFile} />
          </VideoStage>
          <Notices />
        </div>
        <aside>
          <CropPreview />
          <SettingsPanel actions={actions} />
        </aside>
      </main>
      <StatusBar />
      <input
        ref={fileInput}
        type="file"
        accept={VIDEO_FILE_ACCEPT}
        hidden
        data-testid="problem-file-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) actions.useFile(file);
        }}
      />
    </div>
  );
}
