/** Numbered steps with their duration, so a long release shows where it is and what took the time. */
export interface StepTiming {
  title: string;
  ms: number;
}

export class Progress {
  readonly timings: StepTiming[] = [];
  private count = 0;

  constructor(private readonly write: (line: string) => void = (line) => console.log(line)) {}

  async step<T>(title: string, run: () => Promise<T> | T): Promise<T> {
    this.count++;
    this.write(`\n\x1b[1m▸ ${this.count}. ${title}\x1b[0m`);
    const started = performance.now();
    try {
      return await run();
    } finally {
      const ms = Math.round(performance.now() - started);
      this.timings.push({ title, ms });
      this.write(`  (${(ms / 1000).toFixed(1)} s)`);
    }
  }

  line(text: string): void {
    this.write(`  ${text}`);
  }
}

export function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} kB`;
}
