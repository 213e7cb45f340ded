/** "Open session…": reopens a saved session file for review (events on the timeline, replays), or says what is wrong with it. */
import { useRef } from 'react';
import { useAppStore } from '../state/store';
import { closeReview, openSessionFile, REVIEW_ID_BASE } from '../replay/replay-session';

export const SESSION_FILE_ACCEPT = '.json,application/json';

export function OpenSession() {
  const input = useRef<HTMLInputElement>(null);
  const reviewing = useAppStore((s) => s.reviewing);
  const error = useAppStore((s) => s.sessionFileError);
  const events = useAppStore((s) => s.events);
  const selectedId = useAppStore((s) => s.selectedEventId);
  const reviewed = reviewing ? events.filter((e) => e.id >= REVIEW_ID_BASE) : [];
  return (
    <section className="open-session" aria-label="Sessions">
      <h2>Session</h2>
      <div className="row">
        <button type="button" data-testid="open-session" onClick={() => input.current?.click()}>Open session…</button>
        {reviewing && <button type="button" data-testid="close-review" onClick={closeReview}>Back to live</button>}
      </div>
      <input
        ref={input}
        type="file"
        accept={SESSION_FILE_ACCEPT}
        hidden
        data-testid="session-file-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          // a malformed file is reported through the store (sessionFileError), shown below
          if (file) openSessionFile(file).catch(() => undefined);
        }}
      />
      {reviewing && (
        <p className="hint" data-testid="reviewing">
          Reviewing {reviewing.fileName}: {reviewing.events} event{reviewing.events === 1 ? '' : 's'}, {reviewing.clips} with
          recorded frames, saved {new Date(reviewing.createdAt).toLocaleString()}
          {reviewing.model ? ` (model ${reviewing.model.id}${reviewing.model.trained ? '' : ', untrained weights'})` : ''}.
          Pick an event to replay it.
        </p>
      )}
      {reviewed.length > 0 && (
        <ol className="review-events" data-testid="review-events">
          {reviewed.map((e) => (
            <li key={e.id}>
              <button type="button" data-testid="review-event" aria-pressed={e.id === selectedId}
                onClick={() => useAppStore.getState().selectEvent(e.id === selectedId ? null : e.id)}>
                {e.kind}{e.label ? ` · ${e.label}` : ''} at {(e.onsetMs / 1000).toFixed(2)} s (frames {e.onsetFrame}–{e.offsetFrame})
              </button>
            </li>
          ))}
        </ol>
      )}
      {error && <p className="session-error" role="alert" data-testid="session-error">Could not open the session: {error}</p>}
    </section>
  );
}
