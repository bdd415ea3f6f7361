/**
 * One job's abort state. The AbortSignal handlers see is made only when a
 * handler reads `ctx.signal`: creating one per job cost more than the rest of
 * a no-op job's Node-side work (about 15 µs in a profile), and most handlers
 * never look at it.
 */
export class JobAbort {
  private controller: AbortController | undefined;
  private why: Error | undefined;
  private readonly listeners: Array<(reason: Error) => void> = [];

  get aborted(): boolean {
    return this.why !== undefined;
  }

  /** Why the job was aborted (timeout, lost lease, shutdown), once it was. */
  get reason(): Error | undefined {
    return this.why;
  }

  /** The first reason wins, as with AbortController. */
  abort(reason: Error): void {
    if (this.why) return;
    this.why = reason;
    this.controller?.abort(reason);
    for (const listener of this.listeners.splice(0)) listener(reason);
  }

  /** Calls `listener` on abort (at once if already aborted). */
  onAbort(listener: (reason: Error) => void): void {
    if (this.why) listener(this.why);
    else this.listeners.push(listener);
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.why) this.controller.abort(this.why);
    }
    return this.controller.signal;
  }
}
