/**
 * The exit contract of the Node commands: bad arguments print the parser's message and exit 2; a failing run
 * prints one line (worded by the command) and exits 1.
 */
export async function runCli<A>(
  parse: (argv: string[]) => A,
  run: (args: A) => Promise<void> | void,
  describeFailure: (err: unknown) => string,
): Promise<void> {
  let args: A;
  try {
    args = parse(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  }
  try {
    await run(args);
  } catch (err) {
    console.error(describeFailure(err));
    process.exit(1);
  }
}
