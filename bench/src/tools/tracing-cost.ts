import 'reflect-metadata';
import { MemoryDriver } from '@nest-jobs/core';
import { createBenchApp } from '../peers/nest-jobs.app.js';
import { BenchProducers } from '../peers/nest-jobs.jobs.js';
import { benchPayload } from '../peers/peer.js';
import { summarize } from '../stats.js';

/**
 * What the `tracing` option costs an app with no OpenTelemetry SDK registered:
 * Node CPU µs per job (enqueue and try) on the in-process memory driver, so no
 * server's time or scheduling is in the figure. Rounds alternate tracing off
 * and on in one process. Usage: node dist/tools/tracing-cost.js [jobs] [rounds].
 */
async function round(tracing: boolean, jobs: number): Promise<{ enqueueUs: number; processUs: number }> {
  let seen = 0;
  let allDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allDone = resolve));
  const driver = new MemoryDriver();
  const app = await createBenchApp({ driver, mode: 'producer', tracing });
  const producers = app.get(BenchProducers);
  const before = process.cpuUsage();
  for (let sent = 0; sent < jobs; sent += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, n) => producers.c50.enqueue('noop', benchPayload(sent + n))));
  }
  const enqueued = process.cpuUsage(before);
  await app.close();
  const worker = await createBenchApp({ driver, mode: 'worker', tracing, onJob: () => ++seen === jobs && allDone() });
  const started = process.cpuUsage();
  await done;
  const processed = process.cpuUsage(started);
  await worker.close();
  const us = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / jobs;
  return { enqueueUs: us(enqueued), processUs: us(processed) };
}

async function main(): Promise<void> {
  const jobs = Number(process.argv[2] ?? 20_000);
  const rounds = Number(process.argv[3] ?? 5);
  await round(false, jobs);
  await round(true, jobs);
  const results = { off: [] as Array<{ enqueueUs: number; processUs: number }>, on: [] as Array<{ enqueueUs: number; processUs: number }> };
  for (let n = 0; n < rounds; n++) {
    results.off.push(await round(false, jobs));
    results.on.push(await round(true, jobs));
  }
  for (const [label, list] of Object.entries(results)) {
    const enqueue = summarize(list.map((entry) => entry.enqueueUs)).median;
    const tries = summarize(list.map((entry) => entry.processUs)).median;
    console.log(`tracing ${label.padEnd(3)} (no SDK): Node CPU per job, median of ${rounds}: enqueue ${enqueue.toFixed(1)} µs, try ${tries.toFixed(1)} µs`);
  }
}

await main();
