import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const APP = fileURLToPath(new URL('../fixtures/schedule-app.js', import.meta.url));
const SCRUBBED = /^(REDIS_URL|PORT|JOBS_.*)$/;

/** One process of the scheduling fixture app, its output kept for failure reports. */
export class ScheduleProcess {
  private readonly child: ChildProcess;
  private text = '';
  readonly ready: Promise<number>;
  readonly exited: Promise<void>;

  constructor(readonly label: string, redisUrl: string, kind: 'code' | 'runtime' = 'code') {
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !SCRUBBED.test(name)));
    this.child = spawn(process.execPath, ['--enable-source-maps', APP], {
      env: { ...inherited, NO_COLOR: '1', SCHEDULE_TEST_REDIS_URL: redisUrl, SCHEDULE_TEST_KIND: kind },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    this.ready = new Promise((resolve, reject) => {
      this.child.on('message', (message: { ready?: number }) => message.ready && resolve(message.ready));
      void this.exited.then(() => reject(new Error(`${label} exited before it was ready:\n${this.text}`)));
    });
  }

  get output(): string {
    return this.text;
  }

  /** Sends a command and waits until that process has applied it; resolves with when it started and finished there. */
  command(command: { pause: string } | { resume: string } | { upsert: { name: string; every: string } }): Promise<{ startedAt: number; finishedAt: number }> {
    return new Promise((resolve) => {
      const onMessage = (message: { done?: unknown; startedAt?: number; finishedAt?: number }): void => {
        if (!message.done) return;
        this.child.off('message', onMessage);
        resolve({ startedAt: message.startedAt!, finishedAt: message.finishedAt! });
      };
      this.child.on('message', onMessage);
      this.child.send(command);
    });
  }

  /** SIGKILL: no shutdown at all, as a crash or an OOM kill. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (graceful shutdown), SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 8_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }
}
