/**
 * `npm run fixtures [-- name ...]`: builds the e2e fixtures (all, or the named ones) into e2e/.cache/ ahead of
 * a test run and prints their paths. The tests build them on first use too; this only front-loads the work.
 */
import { FIXTURE_NAMES, fixturePath, UnknownFixtureError, type FixtureName } from '../../e2e/fixtures/fixtures';

function main(argv: string[]): void {
  const names = argv.length ? argv : FIXTURE_NAMES;
  for (const name of names) {
    if (!FIXTURE_NAMES.includes(name as FixtureName)) throw new UnknownFixtureError(name);
    const t = performance.now();
    const file = fixturePath(name as FixtureName);
    console.log(`${name}\t${file}\t${Math.round(performance.now() - t)} ms`);
  }
}

try {
  main(process.argv.slice(2));
} catch (err) {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  process.exit(1);
}
