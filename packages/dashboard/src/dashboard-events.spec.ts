import { afterEach, describe, expect, it } from '@jest/globals';
import { get as httpGet } from 'node:http';
import { BASIC, DEMO_AUTH, bootDashboardApp, type DashboardSpecApp } from './spec-support/boot-dashboard.js';

let booted: DashboardSpecApp;
let closed = false;
afterEach(async () => {
  if (!closed) await booted.app.close();
  closed = false;
});

/** Reads the event stream until `predicate` matches what arrived. */
function readStream(url: string, predicate: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, { headers: { Authorization: BASIC } }, (response) => {
      let text = `${response.statusCode} ${response.headers['content-type']}\n`;
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
        if (predicate(text)) {
          request.destroy();
          resolve(text);
        }
      });
    });
    request.on('error', reject);
    setTimeout(() => reject(new Error('no event in time')), 5_000).unref();
  });
}

describe('dashboard event stream', () => {
  it('streams batched job events as Server-Sent Events', async () => {
    booted = await bootDashboardApp({ path: '/jobs', auth: DEMO_AUTH });
    const received = readStream(`${booted.url}/jobs/events`, (text) => text.includes('"completed"'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await (await booted.producer.enqueue('send', { to: 'sse@example.com' })).result({ timeout: 5_000 });
    const text = await received;
    expect(text).toMatch(/^200 text\/event-stream/);
    expect(text).toContain('event: jobs');
    expect(text).toMatch(/data: \{"count":\d+,"types":\[[^\]]*"completed"/);
  });

  it('ends open streams when the app shuts down, so a dashboard tab cannot hold the server open', async () => {
    booted = await bootDashboardApp({ path: '/jobs', auth: DEMO_AUTH });
    const ended = new Promise<void>((resolve) => {
      httpGet(`${booted.url}/jobs/events`, { headers: { Authorization: BASIC }, agent: false }, (response) => {
        response.resume();
        response.on('end', resolve);
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    const closing = booted.app.close();
    closed = true;
    await ended;
    expect(Date.now() - started).toBeLessThan(2_000);
    await closing;
  });
});
