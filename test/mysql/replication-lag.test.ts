import { createMysqlActivities } from '../../activities/mysql/mysql';
import type { ReplicationLagResult } from '../../activities/types';
import { startMariaDbEnv, type MariaDbEnv } from '../helpers/mariadb-env';

let env: MariaDbEnv;

beforeAll(async () => {
  env = await startMariaDbEnv({ fiscalRows: 100, radar: false });
});
afterAll(() => env?.close());

async function pollLag(
  mysql: ReturnType<typeof createMysqlActivities>,
  until: (r: ReplicationLagResult) => boolean,
  timeoutMs = 15_000,
): Promise<ReplicationLagResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await mysql.measureReplicationLag({ system: 'acode' });
    if (until(result)) return result;
    if (Date.now() > deadline) throw new Error(`replication lag never matched; last ${JSON.stringify(result)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const writeOnPrimary = (id: number) =>
  env.pair.primary.withAdmin((c) =>
    c.query("INSERT INTO acode_farmarcas.farmarcas_si_analitico_diario (idpk, Fornecedor) VALUES (?, 'Distribuidora São João Ltda.')", [id]),
  );

test('a healthy replica reports ok with ~0 lag', async () => {
  const mysql = createMysqlActivities({ sources: env.sources });
  const result = await mysql.measureReplicationLag({ system: 'acode' });
  expect(result).toMatchObject({ ioRunning: true, sqlRunning: true, level: 'ok' });
  expect(result.lagSeconds).toBeLessThanOrEqual(1);
});

test('a delayed replica shows real lag, levelled by the thresholds, and returns to ~0 after catch-up', async () => {
  // Thresholds scaled down to seconds so the real lag crosses them quickly.
  const mysql = createMysqlActivities({ sources: env.sources, replicationLag: { warnSeconds: 1, criticalSeconds: 60 } });
  await env.pair.delayReplica(4);
  try {
    await writeOnPrimary(800001);
    const lagging = await pollLag(mysql, (r) => (r.lagSeconds ?? 0) >= 2);
    expect(lagging.lagSeconds).toBeGreaterThan(0);
    expect(lagging.level).toBe('warning');
    expect(lagging).toMatchObject({ ioRunning: true, sqlRunning: true });
  } finally {
    await env.pair.delayReplica(0);
  }
  await env.pair.waitForReplicaCatchUp(15_000);
  const caughtUp = await pollLag(mysql, (r) => r.lagSeconds === 0);
  expect(caughtUp.level).toBe('ok');
});

test('a stopped SQL thread is critical, and recovers when started', async () => {
  const mysql = createMysqlActivities({ sources: env.sources });
  await env.pair.stopReplicaSqlThread();
  const stopped = await mysql.measureReplicationLag({ system: 'acode' });
  expect(stopped).toMatchObject({ ioRunning: true, sqlRunning: false, lagSeconds: null, level: 'critical' });
  expect(stopped.lastError).toMatch(/replication stopped \(IO thread Yes, SQL thread No\)/);
  await env.pair.startReplica();
  expect(await pollLag(mysql, (r) => r.sqlRunning && r.ioRunning)).toMatchObject({ level: 'ok' });
});

test('a stopped IO thread is critical', async () => {
  const mysql = createMysqlActivities({ sources: env.sources });
  await env.pair.stopReplicaIoThread();
  try {
    expect(await mysql.measureReplicationLag({ system: 'acode' })).toMatchObject({ ioRunning: false, sqlRunning: true, level: 'critical' });
  } finally {
    await env.pair.startReplica();
  }
});

test('a replica broken by a conflicting row is critical with the SQL error text', async () => {
  const mysql = createMysqlActivities({ sources: env.sources });
  await env.pair.breakReplication();
  const broken = await mysql.measureReplicationLag({ system: 'acode' });
  expect(broken).toMatchObject({ sqlRunning: false, level: 'critical', lagSeconds: null });
  expect(broken.lastError).toMatch(/Duplicate entry/);
  expect(broken.lastError).not.toContain('\n');
});
