import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../../../sample-app/dist/main.js', import.meta.url));
/** Variables of the test runner's own environment that must not leak into the children. */
const SCRUBBED = /^(REDIS_URL|PORT|JOBS_.*|EMAIL_.*)$/;
const TAIL_LINES = 40;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** `node sample-app/dist/main.js` as a real child process, its stdout and stderr kept for failure reports. */
export class AppProcess {
  private readonly child: ChildProcess;
  private text = '';
  readonly exited: Promise<Exit>;

  constructor(readonly label: string, env: Record<string, string>) {
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !SCRUBBED.test(name)));
    this.child = spawn(process.execPath, ['--enable-source-maps', MAIN], {
      env: { ...inherited, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get output(): string {
    return this.text;
  }

  /** The last lines printed, for failure reports. */
  tail(lines = TAIL_LINES): string {
    return this.text.trimEnd().split('\n').slice(-lines).join('\n');
  }

  async waitFor(text: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.text.includes(text)) {
      if (!this.running) throw new Error(`${this.label} exited before printing "${text}"`);
      if (Date.now() > deadline) throw new Error(`${this.label} printed no "${text}" within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Sends `signal` and waits for the exit; SIGKILL after `timeoutMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<Exit> {
    if (!this.running) return this.exited;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Every process a test started: all killed afterwards, and their output attached to a failure. */
export class ProcessGroup {
  private readonly processes: AppProcess[] = [];

  start(label: string, env: Record<string, string>): AppProcess {
    const started = new AppProcess(label, env);
    this.processes.push(started);
    return started;
  }

  async killAll(): Promise<void> {
    await Promise.all(this.processes.splice(0).map((started) => started.stop('SIGKILL')));
  }

  /**
   * Wraps a test body: on failure the error carries the tail of every child's
   * output (Jest prints the message), so a red run explains itself.
   */
  explainFailures(body: () => Promise<void>): () => Promise<void> {
    return async () => {
      try {
        await body();
      } catch (error) {
        const outputs = this.processes.map((started) => `--- ${started.label} (pid ${started.pid}, ${started.running ? 'running' : 'exited'}) ---\n${started.tail()}`);
        if (error instanceof Error) {
          error.message += `\n\nChild process output (last ${TAIL_LINES} lines each):\n${outputs.join('\n')}`;
          throw error;
        }
        throw new Error(`${String(error)}\n\n${outputs.join('\n')}`, { cause: error });
      }
    };
  }
}
