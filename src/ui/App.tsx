/** Layout: the analysed video with overlay and messages, the crop preview and settings, the status bar. */
import { useEffect, useRef, useState } from 'react';
import type { SourceActions } from './SettingsPanel';
import { SettingsPanel, VIDEO_FILE_ACCEPT } from './SettingsPanel';
import { VideoStage } from './VideoStage';
import { CropPreview } from './CropPreview';
import { StatusBar } from './StatusBar';
import { Notices, ProblemPanel } from './ProblemPanel';
import { ReplayPlayer } from './ReplayPlayer';
import { ExportMenu } from './ExportMenu';
import { OpenSession } from './OpenSession';
import { connectSessionRecording } from '../replay/replay-session';
import { EmotionPanel } from './EmotionPanel';
import { ModelOverlay } from './ModelOverlay';
import { ModelSettings } from './ModelSettings';
import { WeightsNotice } from './WeightsNotice';
import { Timeline } from './Timeline';
import { RegionMeters } from './RegionMeters';
import { PresenterReadout, PresenterToggle } from './PresenterMode';
import { CaptureGuard } from './CaptureGuard';
import { AboutButton, AboutPanel } from './AboutPanel';
import { useAppStore } from '../state/store';
import { connectSpotEvents } from '../state/spot-events-feed';

export function App({ actions }: { actions: SourceActions }) {
  const fileInput = useRef<HTMLInputElement>(null);
  const chooseFile = () => fileInput.current?.click();
  const presenter = useAppStore((s) => s.presenterMode);
  const [aboutOpen, setAboutOpen] = useState(false);
  useEffect(() => connectSpotEvents(), []);
  useEffect(() => connectSessionRecording(), []);
  return (
    <div className={presenter ? 'app presenter' : 'app'}>
      <header>
        <h1>Micro-expression analyzer</h1>
        <p className="tagline">Runs entirely in this browser: no frame leaves your machine. Not a lie detector.</p>
        <span className="header-actions"><PresenterToggle /><AboutButton onOpen={() => setAboutOpen(true)} /></span>
      </header>
      <AboutPanel open={aboutOpen} onClose={() => setAboutOpen(false)} />
      <PresenterReadout />
      <main>
        <div className="left">
          <VideoStage onDropFile={actions.useFile}>
            <ModelOverlay />
            <ProblemPanel actions={actions} chooseFile={chooseFile} />
          </VideoStage>
          <WeightsNotice />
          <Notices />
          <CaptureGuard />
          <Timeline />
          <ReplayPlayer />
        </div>
        <aside>
          <EmotionPanel />
          <CropPreview />
          <RegionMeters />
          <SettingsPanel actions={actions} />
          <ModelSettings />
          <OpenSession />
          <ExportMenu />
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
