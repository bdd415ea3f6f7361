import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('../fixtures/chaos-worker.js', import.meta.url));

/** One chaos-worker child process; `stop` always reaps it. */
export class WorkerProcess {
  private readonly child: ChildProcess;
  private text = '';
  readonly exited: Promise<void>;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--enable-source-maps', WORKER], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get output(): string {
    return this.text;
  }

  async ready(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.text.includes('chaos-worker ready')) {
      if (this.child.exitCode !== null) throw new Error(`chaos-worker exited: ${this.text}`);
      if (Date.now() > deadline) throw new Error(`chaos-worker not ready in ${timeoutMs} ms: ${this.text}`);
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
