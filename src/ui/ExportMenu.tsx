/**
 * Exports of the current session (live, or the reviewed file), all made in the page and saved as downloads:
 * events as JSON and CSV, the per-frame trace as CSV, and the whole session file (reopenable). The WebM of
 * an event's replay is exported from the replay player.
 */
import { useAppStore } from '../state/store';
import { eventsToCsv, eventsToJson, traceToCsv } from '../spotting/event-export';
import { downloadText, sessionFileStem } from '../replay/download';
import { currentSession } from '../replay/replay-session';
import { sessionToJson } from '../replay/session-file';

type ExportKind = 'events-json' | 'events-csv' | 'trace-csv' | 'session';

function exportNow(kind: ExportKind): void {
  const s = currentSession();
  const stem = sessionFileStem(s.createdAt);
  switch (kind) {
    case 'events-json': return downloadText(eventsToJson(s.events, s.classes), `${stem}-events.json`, 'application/json');
    case 'events-csv': return downloadText(eventsToCsv(s.events, s.classes), `${stem}-events.csv`, 'text/csv');
    case 'trace-csv': return downloadText(traceToCsv(s.trace), `${stem}-trace.csv`, 'text/csv');
    case 'session': return downloadText(sessionToJson(s), `${stem}.mesession.json`, 'application/json');
  }
}

const LABELS: Record<ExportKind, string> = {
  'events-json': 'Events JSON',
  'events-csv': 'Events CSV',
  'trace-csv': 'Trace CSV',
  session: 'Session file',
};

export function ExportMenu() {
  const reviewing = useAppStore((s) => s.reviewing);
  const count = useAppStore((s) => s.events.length);
  return (
    <section className="export-menu" aria-label="Export">
      <h2>Export</h2>
      <p className="hint">
        {reviewing ? `From ${reviewing.fileName}` : `The live session (${count} event${count === 1 ? '' : 's'})`}; saved on this machine only.
      </p>
      <div className="row">
        {(Object.keys(LABELS) as ExportKind[]).map((k) => (
          <button key={k} type="button" data-testid={`export-${k}`} onClick={() => exportNow(k)}>{LABELS[k]}</button>
        ))}
      </div>
    </section>
  );
}
