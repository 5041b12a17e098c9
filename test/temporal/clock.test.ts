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
  const clock = new ServiceClock('unlocked');
  clock.setInFlight(() => 0);
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
  let busy = 1;
  const clock = new ServiceClock('unlocked');
  clock.setInFlight(() => busy);
  const fired: string[] = [];
  const start = clock.now();
  clock.after(3600_000, () => fired.push('1h'));
  const cancelled = clock.after(60_000, () => fired.push('1m'));
  clock.after(20, () => fired.push('20ms'));
  cancelled.cancel();
  await waitFor(() => fired.length === 1, 1000);
  expect(fired).toEqual(['20ms']);
  expect(clock.now() - start).toBeLessThan(60_000);
  busy = 0;
  clock.poke();
  await waitFor(() => fired.length === 2, 1000);
  expect(fired).toEqual(['20ms', '1h']);
  clock.stop();
});

test('without skipping the clock follows real time', async () => {
  const clock = new ServiceClock('off');
  clock.setInFlight(() => 0);
  let fired = false;
  clock.after(3600_000, () => (fired = true));
  const near = clock.after(10, () => undefined);
  expect(Math.abs(clock.now() - Date.now())).toBeLessThan(5);
  near.cancel();
  expect(fired).toBe(false);
  clock.stop();
});

test('a locked clock keeps real pace until unlocked, and unlocks beyond the locks are refused', async () => {
  const clock = new ServiceClock('locked');
  clock.setInFlight(() => 0);
  const fired: string[] = [];
  const start = clock.now();
  clock.after(3600_000, () => fired.push('1h'));
  clock.after(20, () => fired.push('20ms'));
  await waitFor(() => fired.length === 1, 1000);
  expect(clock.now() - start).toBeLessThan(60_000);
  clock.unlock();
  await waitFor(() => fired.length === 2, 1000);
  expect(fired).toEqual(['20ms', '1h']);
  expect(() => clock.unlock()).toThrow(/Unbalanced lock and unlock/);
  clock.stop();
});

test('an unlocking sleep moves time past one thing in flight and locks again when it ends', async () => {
  const clock = new ServiceClock('locked');
  clock.setInFlight(() => 1);
  clock.unlock();
  const fired: string[] = [];
  clock.after(86_400_000, () => fired.push('1 day'));
  const start = clock.now();
  await clock.unlockWhileSleeping(2 * 86_400_000);
  expect(fired).toEqual(['1 day']);
  expect(clock.now() - start).toBeGreaterThanOrEqual(2 * 86_400_000);
  clock.after(3600_000, () => fired.push('1h'));
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  expect(fired).toEqual(['1 day']);
  clock.stop();
});
