import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * One worker child process running a fixture of ../fixtures (chaos-worker by
 * default), which prints "<fixture> ready <pid>" once booted; `stop` always reaps it.
 */
export class WorkerProcess {
  private readonly child: ChildProcess;
  private text = '';
  readonly exited: Promise<void>;
  /** Epoch ms at which the process exited; undefined while it runs. */
  exitedAt: number | undefined;

  constructor(env: Record<string, string>, private readonly fixture = 'chaos-worker') {
    const script = fileURLToPath(new URL(`../fixtures/${fixture}.js`, import.meta.url));
    this.child = spawn(process.execPath, ['--enable-source-maps', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', () => {
      this.exitedAt = Date.now();
      resolve();
    }));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** How the process ended: its exit code, or the signal that ended it; undefined while it runs. */
  get exitStatus(): number | NodeJS.Signals | undefined {
    return this.child.exitCode ?? this.child.signalCode ?? undefined;
  }

  get output(): string {
    return this.text;
  }

  async ready(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.text.includes(`${this.fixture} ready`)) {
      if (this.child.exitCode !== null) throw new Error(`${this.fixture} exited: ${this.text}`);
      if (Date.now() > deadline) throw new Error(`${this.fixture} not ready in ${timeoutMs} ms: ${this.text}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  signal(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  /** Sends `signal`, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGKILL', graceMs = 5_000): Promise<void> {
    this.signal(signal);
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
