import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../../sample-app/dist/main.js', import.meta.url));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * `node sample-app/dist/main.js` (or another `script`) in a child process, on
 * the memory driver whatever the machine's env says.
 */
export class ChildApp {
  private readonly child: ChildProcess;
  private text = '';
  readonly exited: Promise<Exit>;
  /** Epoch ms at which the process exited; undefined while it runs. */
  exitedAt: number | undefined;

  constructor(env: Record<string, string>, script = MAIN) {
    const inherited = { ...process.env };
    for (const name of ['REDIS_URL', 'JOBS_PREFIX', 'JOBS_MODE', 'JOBS_QUEUES', 'PORT']) delete inherited[name];
    this.child = spawn(process.execPath, ['--enable-source-maps', script], {
      env: { ...inherited, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.text += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => {
      this.exitedAt = Date.now();
      resolve({ code, signal });
    }));
  }

  /** Everything printed so far, stdout and stderr. */
  get output(): string {
    return this.text;
  }

  async waitFor(text: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.text.includes(text)) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`Process exited before printing "${text}". Output:\n${this.text}`);
      }
      if (Date.now() > deadline) throw new Error(`No "${text}" within ${timeoutMs} ms. Output:\n${this.text}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Sends `signal` and waits for the exit (SIGKILL after `timeoutMs`, reported as a failure by the caller). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<Exit> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** True when a TCP connection to the port is accepted. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
