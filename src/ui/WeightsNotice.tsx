/**
 * What the weights are (untrained recipe, trained on synthetic micro-expressions only, ...), and why MOL is not
 * running when its weights failed to load (checksum, shape, config): tracking goes on either way.
 */
import { useAppStore } from '../state/store';
import './model-panel.css';

export function WeightsNotice() {
  const s = useAppStore((st) => st.modelStatus);
  if (s.state === 'failed') {
    return <p className="model-problem" role="alert" data-testid="model-problem" data-code={s.code}>{s.message}</p>;
  }
  if (s.state !== 'ready') return null;
  const w = s.info.weights;
  return <p className="weights-notice" data-testid="weights-notice" data-trained={String(w.trained)} data-weights={w.id}>{w.notice}</p>;
}
