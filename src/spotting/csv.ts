/**
 * RFC 4180 CSV: CRLF line ends; a field holding a comma, a double quote, CR or LF is quoted, and its quotes
 * are doubled. The parser reads what the writer writes (and LF-only files), and names what is malformed.
 */
export class CsvParseError extends Error {
  override readonly name = 'CsvParseError';
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Records to CSV text, each record ending with CRLF. */
export function toCsv(records: readonly (readonly string[])[]): string {
  return records.map((r) => r.map(csvField).join(',') + '\r\n').join('');
}

export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  /** The current field was quoted: only a separator or a line end may follow its closing quote. */
  let closedQuote = false;
  let line = 1;
  const endField = (): void => { record.push(field); field = ''; closedQuote = false; };
  const endRecord = (): void => { endField(); records.push(record); record = []; line++; };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ',') { endField(); i++; continue; }
    if (c === '\r' && text[i + 1] === '\n') { endRecord(); i += 2; continue; }
    if (c === '\n') { endRecord(); i++; continue; }
    if (closedQuote) throw new CsvParseError(`line ${line}: characters after a closing quote`);
    if (c !== '"') {
      field += c;
      i++;
      continue;
    }
    if (field !== '') throw new CsvParseError(`line ${line}: double quote inside an unquoted field`);
    // Quoted field: runs to the next quote that is not doubled.
    i++;
    for (;;) {
      if (i >= text.length) throw new CsvParseError(`line ${line}: unterminated quoted field`);
      if (text[i] === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        i++;
        break;
      }
      if (text[i] === '\n') line++;
      field += text[i++];
    }
    closedQuote = true;
  }
  if (field !== '' || closedQuote || record.length > 0) endRecord();
  return records;
}
