import { describe, expect, it } from '@jest/globals';
import type { StoredSchedule } from '../driver/runtime-schedule-port.js';
import { sleep, until, type Fixture } from './fixture.js';

/** Runtime schedule definitions: the backend is shared, so each test reads back only its own names. */
export function runtimeScheduleConformance(f: Fixture): void {
  const mine = async (): Promise<StoredSchedule[]> =>
    (await f.driver.loadSchedules()).schedules.filter(({ name }) => name.startsWith(f.queue)).sort((a, b) => a.name.localeCompare(b.name));

  describe('runtime schedules', () => {
    it('saves, replaces by name and loads definitions, the version changing with each save', async () => {
      const before = await f.driver.scheduleVersion();
      await f.driver.saveSchedule({ name: `${f.queue}.a`, definition: '{"n":1}' });
      const afterFirst = await f.driver.scheduleVersion();
      expect(afterFirst).not.toBe(before);
      await f.driver.saveSchedule({ name: `${f.queue}.b`, definition: '{"n":2}' });
      await f.driver.saveSchedule({ name: `${f.queue}.a`, definition: '{"n":3}' });
      expect(await mine()).toEqual([{ name: `${f.queue}.a`, definition: '{"n":3}' }, { name: `${f.queue}.b`, definition: '{"n":2}' }]);
      const { version } = await f.driver.loadSchedules();
      expect(version).toBe(await f.driver.scheduleVersion());
      expect(version).not.toBe(afterFirst);
    });

    it('removes a definition and hands it back; an unknown name gives null and removes nothing', async () => {
      await f.driver.saveSchedule({ name: `${f.queue}.gone`, definition: '{"keep":false}' });
      await f.driver.saveSchedule({ name: `${f.queue}.kept`, definition: '{"keep":true}' });
      const before = await f.driver.scheduleVersion();
      expect(await f.driver.removeSchedule(`${f.queue}.gone`)).toEqual({ name: `${f.queue}.gone`, definition: '{"keep":false}' });
      expect(await f.driver.scheduleVersion()).not.toBe(before);
      expect(await f.driver.removeSchedule(`${f.queue}.gone`)).toBeNull();
      expect(await f.driver.removeSchedule(`${f.queue}.never`)).toBeNull();
      expect(await mine()).toEqual([{ name: `${f.queue}.kept`, definition: '{"keep":true}' }]);
    });

    it('keeps names with any characters apart and definitions byte for byte', async () => {
      const odd = [`${f.queue}:a:b`, `${f.queue} ünïcode {x}`, `${f.queue}"quoted"`];
      const definition = JSON.stringify({ text: 'é\u2028\\n', nested: { list: [1, 2] } });
      for (const name of odd) await f.driver.saveSchedule({ name, definition });
      expect(await mine()).toEqual([...odd].sort((a, b) => a.localeCompare(b)).map((name) => ({ name, definition })));
    });

    it('tells a watcher soon after a save and after a removal, and stops after unsubscribe', async () => {
      let notices = 0;
      const unsubscribe = f.driver.watchSchedules(() => notices++);
      // Pub/sub and LISTEN subscribe asynchronously: save until the first notice arrives.
      const name = `${f.queue}.watched`;
      const deadline = Date.now() + f.ms(5_000);
      while (notices === 0) {
        if (Date.now() > deadline) throw new Error('conformance: no notice after saving a runtime schedule');
        await f.driver.saveSchedule({ name, definition: '{}' });
        await sleep(50);
      }
      const afterSave = notices;
      await f.driver.removeSchedule(name);
      await until(() => notices > afterSave, f.ms(3_000), 'a notice after a removal');
      unsubscribe();
      await sleep(f.ms(200));
      const afterUnsubscribe = notices;
      await f.driver.saveSchedule({ name, definition: '{}' });
      await sleep(f.ms(300));
      expect(notices).toBe(afterUnsubscribe);
    });
  });
}
