/** The blocking problem (source stopped) with its ways forward, and the non-blocking notices. */
import { useAppStore } from '../state/store';
import type { RecoveryAction } from '../state/problem-slice';
import type { SourceActions } from './SettingsPanel';

const LABELS: Record<RecoveryAction, string> = {
  'use-demo': 'Use the demo clip',
  'choose-file': 'Choose a video file',
  'use-camera': 'Use the camera',
  retry: 'Retry',
  reload: 'Reload the app',
};

export function ProblemPanel({ actions, chooseFile }: { actions: SourceActions; chooseFile: () => void }) {
  const problem = useAppStore((s) => s.problem);
  const sourceKind = useAppStore((s) => s.sourceKind);
  if (!problem) return null;
  const run = (a: RecoveryAction) => {
    if (a === 'use-demo') actions.useDemo();
    else if (a === 'choose-file') chooseFile();
    else if (a === 'use-camera') actions.useCamera(useAppStore.getState().cameraId);
    else if (a === 'reload') location.reload();
    else if (sourceKind === 'camera') actions.useCamera(useAppStore.getState().cameraId);
    else if (sourceKind === 'demo') actions.useDemo();
    else chooseFile();
  };
  return (
    <div className="problem" role="alert" data-testid="problem" data-code={problem.code}>
      <h2>{problem.title}</h2>
      <p>{problem.message}</p>
      <div className="row">
        {problem.actions.map((a) => (
          <button key={a} type="button" onClick={() => run(a)} data-action={a}>
            {LABELS[a]}
          </button>
        ))}
      </div>
    </div>
  );
}

export function Notices() {
  const notices = useAppStore((s) => s.notices);
  const entries = Object.entries(notices);
  if (!entries.length) return null;
  return (
    <ul className="notices" aria-live="polite">
      {entries.map(([key, text]) => (
        <li key={key} data-testid={`notice-${key}`}>
          {text}
        </li>
      ))}
    </ul>
  );
}
