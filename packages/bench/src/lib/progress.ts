/** Progress lines while a suite runs: one line per step, overwritten in place on a terminal. */
const interactive = process.stdout.isTTY === true;

export function progress(message: string): void {
  if (interactive) process.stdout.write(`\r\x1b[2K  … ${message}`);
  else console.log(`  … ${message}`);
}

export function progressDone(): void {
  if (interactive) process.stdout.write("\r\x1b[2K");
}

export function heading(title: string): void {
  progressDone();
  console.log(`\n\x1b[1m${title}\x1b[0m`);
}
