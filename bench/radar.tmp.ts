import { startStack } from '../test/helpers/stack-env';
import { radarDailySyncId } from '../workflows/ids';
async function main() {
  const stack = await startStack({ fiscalRows: 100 });
  try {
    for (const date of ['2026-11-01', '2026-11-02', '2026-11-03']) {
      const t0 = Date.now();
      const h = await stack.start('radarDailySync', { date, engine: 'direct' }, radarDailySyncId(date));
      const r = (await h.result()) as { outcome: string; tables: unknown[] };
      console.log(date, r.outcome, r.tables.length, 'tables', Date.now() - t0, 'ms');
      const names = new Map<string, number>();
      for (const c of stack.calls.splice(0)) names.set(c.name, (names.get(c.name) ?? 0) + 1);
      console.log([...names].map(([n, k]) => `${n}×${k}`).join(' '));
    }
  } finally {
    await stack.teardown();
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
