/** The about panel: what the model was trained on, what it was not validated on, and what ME analysis is not. */
import { useEffect, useRef } from 'react';
import { ABOUT_MODEL } from './about-text';

export function AboutButton({ onOpen }: { onOpen: () => void }) {
  return <button type="button" data-testid="about-open" onClick={onOpen}>About</button>;
}

export function AboutPanel({ open, onClose }: { open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="about" data-testid="about-panel" aria-labelledby="about-title" onClose={onClose}>
      <h2 id="about-title">About this analyzer</h2>
      <h3>What the model learned from</h3>
      <p>{ABOUT_MODEL.trainedOn}</p>
      <p>{ABOUT_MODEL.notValidated}</p>
      <h3>Not lie detection</h3>
      <p data-testid="about-not-lie-detection">{ABOUT_MODEL.notLieDetection}</p>
      <h3>How events are found</h3>
      <p>{ABOUT_MODEL.spotting}</p>
      <p>{ABOUT_MODEL.privacy}</p>
      <button type="button" data-testid="about-close" onClick={onClose}>Close</button>
    </dialog>
  );
}
