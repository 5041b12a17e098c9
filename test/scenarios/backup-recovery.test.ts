/**
 * Recovery paths that end on the backup, driven through the real recovery
 * workflow on a real worker against MariaDB, S3, the Airbyte simulator and the
 * alert receivers: use_backup_immediately (primary down, authentication
 * failure) and full_backup_restore (a corrupted bronze partition moved to
 * quarantine, never deleted); and reconciliation of a bronze partition that
 * lost a file the backup still has. After each, the day's origin=airbyte
 * partition (where readers read) is complete with the reconciled rows and a
 * manifest naming the backup and the recovery.
 */
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PARTITION_MANIFEST, partitionPrefix, quarantinePrefix, SUCCESS_MARKER } from '../../config/pipelines';
import { reconciliationId, recoveryId } from '../../workflows/ids';
import type { ReconciliationResult } from '../../workflows/reconciliation';
import type { RecoveryResult } from '../../workflows/recovery';
import { SHORT_TIMINGS, startStack, type Stack } from '../helpers/stack-env';
import { listKeys, parquetColumn, readObject, sorted, sourceKeys } from './landed-data';
import {
  ACODE_STREAM_NAMES,
  connectionStatus,
  expectAcodePartitionsMatchSource,
  resetAcodeConnections,
  slackMentioning,
} from './scenario-checks';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ fiscalRows: 3000, radar: false, extract: { maxRowsPerFile: 1000 } });
}, 60_000);
afterAll(() => stack?.teardown());
beforeEach(() => resetAcodeConnections(stack));

async function runRecovery(failureType: string, date: string): Promise<RecoveryResult> {
  stack.setAirbyteDate(date);
  const handle = await stack.start(
    'recovery',
    { system: 'acode', failureType, date, engine: 'airbyte', reason: 'scenario', timings: SHORT_TIMINGS },
    recoveryId('acode', failureType as never, date),
  );
  return (await handle.result()) as RecoveryResult;
}

async function expectReconciliationChildCompleted(parentId: string): Promise<void> {
  const child = await stack.client.workflow.getHandle(`${parentId}-reconciliation`).describe();
  expect(child.type).toBe('reconciliation');
  expect(child.status.name).toBe('COMPLETED');
}

describe('use_backup_immediately', () => {
  test('primary_db_down with the primary stopped: every stream lands in the backup bucket, connections switched, alerts sent, reconciled', async () => {
    const date = '2024-05-01';
    await stack.pair.stopPrimary();
    try {
      const result = await runRecovery('primary_db_down', date);
      expect(result.strategy).toBe('use_backup_immediately');
      expect(result.outcome).toBe('recovered');
      expect(result.steps.map((s) => s.step)).toEqual(
        expect.arrayContaining(['connection_switched', 'sync_started', 'sync_succeeded', 'reconciliation_started', 'reconciled']),
      );

      await expectAcodePartitionsMatchSource(stack, 'backup', date, 'backup');
      // where readers read: the day's origin=airbyte partitions complete, every key of the source once, from the backup
      await expectAcodePartitionsMatchSource(stack, 'bronze', date, 'backup');
      const id = recoveryId('acode', 'primary_db_down', date);
      for (const stream of ACODE_STREAM_NAMES) {
        const prefix = partitionPrefix('acode', stream, date);
        const manifest = JSON.parse((await readObject(stack.s3, stack.buckets.bronze, `${prefix}${PARTITION_MANIFEST}`)).toString('utf8'));
        expect(manifest).toMatchObject({ writtenBy: 'reconciliation', recovery: id, keptOriginalsAt: null, rows: stack.acode.rowCounts[stream] });
        expect(manifest.sources).toEqual([{ role: 'backup', location: `s3://${stack.buckets.backup}/${prefix}`, files: expect.any(Number), rows: stack.acode.rowCounts[stream] }]);
      }
      expect(connectionStatus(stack, 'primary')).toBe('inactive');
      expect(connectionStatus(stack, 'backup')).toBe('active');

      expect(slackMentioning(stack, `${date}: recovery started for primary_db_down`)).toHaveLength(1);
      const done = slackMentioning(stack, `${date}: recovery recovered`);
      expect(done.map((m) => m.channel)).toEqual(['data-engineering']);
      await expectReconciliationChildCompleted(id);
      // Nothing was in bronze: every backup row is a gap the reconciliation filled.
      const fiscal = result.reconciliation!.streams.find((s) => s.stream === ACODE_STREAM_NAMES[0])!;
      expect(fiscal.gapsFound).toBe(stack.acode.rowCounts[ACODE_STREAM_NAMES[0]]);
      expect(stack.pagerDuty.received().filter((e) => e.dedup_key.includes(id))).toEqual([]);
    } finally {
      await stack.pair.startPrimary();
    }
  });

  test('authentication_failed goes straight to the backup too', async () => {
    const date = '2024-05-02';
    const result = await runRecovery('authentication_failed', date);
    expect(result.strategy).toBe('use_backup_immediately');
    expect(result.finalStrategy).toBe('use_backup_immediately');
    expect(result.outcome).toBe('recovered');
    expect(result.steps.some((s) => s.step === 'primary_tested')).toBe(false);
    await expectAcodePartitionsMatchSource(stack, 'backup', date, 'backup');
    expect(connectionStatus(stack, 'primary')).toBe('inactive');
    expect(connectionStatus(stack, 'backup')).toBe('active');
    await expectReconciliationChildCompleted(recoveryId('acode', 'authentication_failed', date));
  });
});

describe('full_backup_restore', () => {
  test('data_corruption: the corrupted bronze partition is moved whole to quarantine, the backup sync lands and validates', async () => {
    const date = '2024-05-03';
    for (const stream of ACODE_STREAM_NAMES) {
      await stack.activities.syncTableToS3({ system: 'acode', role: 'primary', stream, date, bucket: 'bronze' });
    }
    const fiscalPrefix = partitionPrefix('acode', ACODE_STREAM_NAMES[0], date);
    const originals = new Map<string, Buffer>();
    for (const stream of ACODE_STREAM_NAMES) {
      for (const key of await listKeys(stack.s3, stack.buckets.bronze, partitionPrefix('acode', stream, date))) {
        originals.set(key, await readObject(stack.s3, stack.buckets.bronze, key));
      }
    }
    // Corrupt one Parquet file of the fiscal partition in place.
    const victim = [...originals.keys()].find((k) => k.startsWith(fiscalPrefix) && k.endsWith('.parquet'))!;
    const garbage = Buffer.from('PAR1 this is not a parquet file any more');
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.buckets.bronze, Key: victim, Body: garbage }));
    originals.set(victim, garbage);
    expect(originals.size).toBeGreaterThanOrEqual(ACODE_STREAM_NAMES.length * 2);

    const result = await runRecovery('data_corruption', date);
    expect(result.strategy).toBe('full_backup_restore');
    expect(result.outcome).toBe('recovered');
    expect(result.steps.filter((s) => s.step === 'quarantined')).toHaveLength(ACODE_STREAM_NAMES.length);

    // Nothing deleted: every original object, byte for byte, under farmarcas-quarantine/acode-YYYYMMDD/.
    const qPrefix = quarantinePrefix('acode', date);
    expect(qPrefix).toBe(`acode-${date.replace(/-/g, '')}/`);
    const quarantined = await listKeys(stack.s3, stack.buckets.quarantine, qPrefix);
    expect(quarantined.sort()).toEqual([...originals.keys()].map((k) => `${qPrefix}${k}`).sort());
    for (const [key, body] of originals) {
      expect((await readObject(stack.s3, stack.buckets.quarantine, `${qPrefix}${key}`)).equals(body)).toBe(true);
    }
    await expectAcodePartitionsMatchSource(stack, 'backup', date, 'backup');
    // the quarantined day rebuilt where readers read, from the backup, with its manifest
    await expectAcodePartitionsMatchSource(stack, 'bronze', date, 'backup');
    expect(await listKeys(stack.s3, stack.buckets.bronze, `${fiscalPrefix}${PARTITION_MANIFEST}`)).toHaveLength(1);
    expect(await listKeys(stack.s3, stack.buckets.backup, `${fiscalPrefix}${SUCCESS_MARKER}`)).toHaveLength(1);
    expect(connectionStatus(stack, 'primary')).toBe('inactive');
    expect(connectionStatus(stack, 'backup')).toBe('active');
    await expectReconciliationChildCompleted(recoveryId('acode', 'data_corruption', date));
  });
});

describe('reconciliation', () => {
  test('a bronze partition missing a file the backup has: every missing row restored where readers read, originals kept first', async () => {
    const date = '2024-05-04';
    for (const stream of ACODE_STREAM_NAMES) {
      await stack.activities.syncTableToS3({ system: 'acode', role: 'primary', stream, date, bucket: 'bronze' });
      await stack.activities.syncTableToS3({ system: 'acode', role: 'backup', stream, date, bucket: 'backup' });
    }
    // One Parquet file of the fiscal partition is lost from bronze (its _SUCCESS stays).
    const fiscal = ACODE_STREAM_NAMES[0];
    const fiscalPrefix = partitionPrefix('acode', fiscal, date);
    const lost = (await listKeys(stack.s3, stack.buckets.bronze, fiscalPrefix)).find((k) => k.endsWith('.parquet'))!;
    const lostKeys = await parquetColumn(stack.s3, stack.buckets.bronze, lost);
    expect(lostKeys.length).toBeGreaterThan(0);
    await stack.s3.send(new DeleteObjectCommand({ Bucket: stack.buckets.bronze, Key: lost }));

    const snapshot = async () => {
      const out: Record<string, string> = {};
      for (const role of ['bronze', 'backup'] as const) {
        for (const stream of ACODE_STREAM_NAMES) {
          for (const key of await listKeys(stack.s3, stack.buckets[role], partitionPrefix('acode', stream, date))) {
            out[`${role}:${key}`] = (await readObject(stack.s3, stack.buckets[role], key)).toString('base64');
          }
        }
      }
      return out;
    };
    const before = await snapshot();

    const handle = await stack.start('reconciliation', { system: 'acode', date }, reconciliationId('acode', date));
    const result = (await handle.result()) as ReconciliationResult;

    const fiscalResult = result.streams.find((s) => s.stream === fiscal)!;
    expect(fiscalResult.gapsFound).toBe(lostKeys.length);
    expect(fiscalResult.recordsReconciled).toBe(lostKeys.length);
    expect(result.streams.filter((s) => s.stream !== fiscal).every((s) => s.gapsFound === 0)).toBe(true);
    expect(result.score).toBe(100);

    for (const stream of ACODE_STREAM_NAMES) {
      const prefix = partitionPrefix('acode', stream, date);
      expect(await listKeys(stack.s3, stack.buckets.bronze, `${prefix}${SUCCESS_MARKER}`)).toHaveLength(1);
      const reconciled = sorted(await parquetColumn(stack.s3, stack.buckets.bronze, prefix));
      expect(reconciled).toEqual(sorted(await sourceKeys(stack.sources, 'primary', stream)));
    }
    // only the fiscal partition was replaced; each of its objects was kept, byte for byte, before
    const after = await snapshot();
    const manifest = JSON.parse((await readObject(stack.s3, stack.buckets.bronze, `${fiscalPrefix}${PARTITION_MANIFEST}`)).toString('utf8'));
    const kept = (manifest.keptOriginalsAt as string).slice(`s3://${stack.buckets.quarantine}/`.length, -fiscalPrefix.length);
    for (const [name, body] of Object.entries(before)) {
      if (name.startsWith(`bronze:${fiscalPrefix}`)) {
        expect((await readObject(stack.s3, stack.buckets.quarantine, kept + name.slice('bronze:'.length))).toString('base64')).toBe(body);
      } else {
        expect(after[name]).toBe(body);
      }
    }
    await stack.slack.waitFor((m) => (m.text ?? '').includes(`ACODE ${date} reconciled: ${lostKeys.length} gaps`), 5_000);
  });
});
