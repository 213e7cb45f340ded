/** Local downloads: a Blob behind an object URL and a clicked anchor; nothing leaves the machine. */

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // the download has started from the URL by now; revoke a little later so slow browsers still get it
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export function downloadText(text: string, fileName: string, type: string): void {
  downloadBlob(new Blob([text], { type }), fileName);
}

/** "me-session-2026-11-22T00-05-31" from an ISO time: file-name safe on every OS. */
export function sessionFileStem(createdAt: string): string {
  return `me-session-${createdAt.slice(0, 19).replace(/:/g, '-')}`;
}
