/**
 * For Node tests of the weights loader: Node's fetch has no file: scheme, so this serves a model folder from disk,
 * optionally rewriting one file (a flipped byte, a bad manifest) on the way.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function fileFetch(rewrite?: (name: string, bytes: Uint8Array<ArrayBuffer>) => Uint8Array<ArrayBuffer>): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const file = fileURLToPath(String(input));
    if (!existsSync(file)) return new Response(null, { status: 404 });
    let bytes = new Uint8Array(readFileSync(file));
    if (rewrite) bytes = rewrite(path.basename(file), bytes);
    return new Response(bytes);
  }) as typeof fetch;
}
