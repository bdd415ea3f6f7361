import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer, type RedisServerHandle } from '@nest-jobs/redis/testing';
import { ProcessGroup } from './support/app-process.js';
import { eventually, postJson, signUpAll, sleep, type Posted } from './support/http.js';
import { deploy, signupEmails, type Deployment } from './support/setup.js';

// A redis-server this file starts on a free port is SIGKILLed under a running web process and
// worker process, kept down a few seconds, and started again on the same port (empty: no
// persistence). Neither app process is restarted.

const OUTAGE_MS = 3_000;
const FAIL_FAST_MS = 3_000;

let redis: RedisServerHandle;
let scratchDir: string;
let deployment: Deployment | undefined;
const group = new ProcessGroup();

beforeAll(async () => {
  redis = await startRedisServer();
  scratchDir = mkdtempSync(join(tmpdir(), 'nest-jobs-multiprocess-'));
}, 20_000);
afterEach(async () => {
  await group.killAll();
  await deployment?.inspector.close();
  deployment = undefined;
}, 20_000);
afterAll(async () => {
  await group.killAll();
  await redis?.stop();
  if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
}, 20_000);

describe('Redis stopped and restarted under running processes', () => {
  it('enqueues fail fast with 503 during the outage; the worker resumes by itself afterwards', group.explainFailures(async () => {
    deployment = await deploy({ group, redis, scratchDir, workers: 1, env: { EMAIL_CONCURRENCY: '4' } });
    const { web, baseUrl } = deployment;
    const [worker, ledger] = [deployment.workers[0]!, deployment.ledgers[0]!];
    const workerPid = worker.pid;
    const doneIds = (): Set<string> => new Set(ledger.done().map((entry) => entry.id));

    const before = await signUpAll(baseUrl, signupEmails(20, 'before'));
    await eventually(() => before.every((id) => doneIds().has(id)), 'the first 20 jobs to run', 15_000);

    await redis.kill('SIGKILL');
    const killedAt = Date.now();
    const refused: Posted[] = [];
    while (Date.now() - killedAt < OUTAGE_MS) {
      refused.push(await postJson(`${baseUrl}/signup`, { email: `outage-${refused.length}@example.com` }, FAIL_FAST_MS + 2_000));
      await sleep(400);
    }
    expect(refused.length).toBeGreaterThanOrEqual(3);
    for (const answer of refused) {
      expect(answer.status).toBe(503);
      expect(answer.body.message).toMatch(new RegExp(`^Redis unreachable at redis://127\\.0\\.0\\.1:${redis.port}: enqueue`));
      expect(answer.ms).toBeLessThan(FAIL_FAST_MS);
    }
    expect(worker.running).toBe(true);
    expect(web.running).toBe(true);

    await redis.restart();
    const restartedAt = Date.now();
    // The web process reconnects with backoff (at most 2 s apart): retry the first enqueue until it is taken.
    let firstAccepted: Posted | undefined;
    await eventually(async () => {
      const answer = await postJson(`${baseUrl}/signup`, { email: 'after-0@example.com' });
      if (answer.status === 202) firstAccepted = answer;
      else expect(answer.status).toBe(503);
      return answer.status === 202;
    }, 'the web process to enqueue again', 15_000, 200);
    const acceptedMs = Date.now() - restartedAt;
    const after = [firstAccepted!.body.jobId!, ...(await signUpAll(baseUrl, signupEmails(19, 'after')))];
    await eventually(() => after.every((id) => doneIds().has(id)), 'the worker to run the 20 jobs enqueued after the restart', 20_000);
    const resumedMs = Date.now() - restartedAt;

    expect(worker.running).toBe(true);
    expect(worker.pid).toBe(workerPid);
    expect(worker.output.match(/Worker started/g)).toHaveLength(1);
    // 20 before, 20 after, each run once; the refused enqueues left nothing behind.
    const ran = ledger.done().map((entry) => entry.id);
    expect(ran).toHaveLength(40);
    expect(new Set(ran)).toEqual(new Set([...before, ...after]));

    console.log(`[multiprocess] redis restart: ${refused.length} enqueues during the ${OUTAGE_MS} ms outage answered 503 in ` +
      `${Math.min(...refused.map((answer) => answer.ms))}–${Math.max(...refused.map((answer) => answer.ms))} ms; after the restart the web process ` +
      `enqueued again within ${acceptedMs} ms and the same worker (pid ${workerPid}) ran all 20 new jobs within ${resumedMs} ms. ` +
      `Refusal: ${refused[0]!.body.message}`);
  }), 60_000);
});
