export interface Posted {
  status: number;
  body: { jobId?: string; message?: string };
  ms: number;
}

/** POSTs JSON and reads the JSON answer, timing the round trip. */
export async function postJson(url: string, body: object, timeoutMs = 10_000): Promise<Posted> {
  const started = Date.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: response.status, body: (await response.json()) as Posted['body'], ms: Date.now() - started };
}

/** Signs up `emails` with at most `concurrency` requests in flight; returns the job ids in order. */
export async function signUpAll(baseUrl: string, emails: string[], concurrency = 32): Promise<string[]> {
  const ids = new Array<string>(emails.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < emails.length) {
      const index = next++;
      const posted = await postJson(`${baseUrl}/signup`, { email: emails[index] });
      if (posted.status !== 202 || !posted.body.jobId) throw new Error(`POST /signup ${emails[index]} answered ${posted.status}: ${JSON.stringify(posted.body)}`);
      ids[index] = posted.body.jobId;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, emails.length) }, lane));
  return ids;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds; fails naming `what` after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
