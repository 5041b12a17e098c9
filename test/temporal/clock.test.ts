import { ServiceClock } from '../../local/temporal/clock';

function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const check = () => {
      if (condition()) resolve();
      else if (Date.now() > deadline) reject(new Error(`condition not met within ${timeoutMs} ms`));
      else setImmediate(check);
    };
    check();
  });
}

test('with skipping, an idle clock jumps to the next alarm and fires alarms in time order', async () => {
  const clock = new ServiceClock(true);
  clock.setIdleCheck(() => true);
  const fired: string[] = [];
  const start = clock.now();
  clock.after(3 * 3600_000, () => fired.push('3h'));
  clock.after(60_000, () => fired.push('1m'));
  await waitFor(() => fired.length === 2, 1000);
  expect(fired).toEqual(['1m', '3h']);
  expect(clock.now() - start).toBeGreaterThanOrEqual(3 * 3600_000);
  clock.stop();
});

test('a busy clock does not skip, and a cancelled alarm never fires', async () => {
  let idle = false;
  const clock = new ServiceClock(true);
  clock.setIdleCheck(() => idle);
  const fired: string[] = [];
  const start = clock.now();
  clock.after(3600_000, () => fired.push('1h'));
  const cancelled = clock.after(60_000, () => fired.push('1m'));
  clock.after(20, () => fired.push('20ms'));
  cancelled.cancel();
  await waitFor(() => fired.length === 1, 1000);
  expect(fired).toEqual(['20ms']);
  expect(clock.now() - start).toBeLessThan(60_000);
  idle = true;
  clock.poke();
  await waitFor(() => fired.length === 2, 1000);
  expect(fired).toEqual(['20ms', '1h']);
  clock.stop();
});

test('without skipping the clock follows real time', async () => {
  const clock = new ServiceClock(false);
  clock.setIdleCheck(() => true);
  let fired = false;
  clock.after(3600_000, () => (fired = true));
  const near = clock.after(10, () => undefined);
  expect(Math.abs(clock.now() - Date.now())).toBeLessThan(5);
  near.cancel();
  expect(fired).toBe(false);
  clock.stop();
});
