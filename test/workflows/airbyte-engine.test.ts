/**
 * The Airbyte engine through real workflows on a real worker, against the
 * Airbyte simulator (client credentials on, the server's behaviour), MariaDB,
 * the local S3 and the alert receivers:
 *   - a daily ACODE sync whose job fails its first attempt and succeeds on the
 *     second: one job, success, the totals from the job's stats;
 *   - a daily sync triggered while another sync of the connection runs: adopted;
 *   - failover to the backup switching connections with patch updates only;
 *   - a wait that times out while its job ends and a newer one starts: the
 *     cancel does not touch the newer job;
 *   - the token expiring mid-wait: refreshed, the wait goes on.
 * Then the logs, alerts and workflow histories of the whole file are searched
 * for the client secret and every token the simulator issued.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import { AIRBYTE_CONNECTIONS } from '../../config/pipelines';
import type { AcodeDailySyncResult } from '../../workflows/acode-daily-sync';
import { acodeDailySyncId, recoveryId } from '../../workflows/ids';
import type { RecoveryResult } from '../../workflows/recovery';
import { specConformance } from '../airbyte/spec-conformance';
import { failureOf } from '../helpers/failure-of';
import { SHORT_TIMINGS, startStack, type Stack } from '../helpers/stack-env';
import { ACODE_STREAM_NAMES, connectionStatus, expectAcodePartitionsMatchSource, resetAcodeConnections } from '../scenarios/scenario-checks';

const PRIMARY = AIRBYTE_CONNECTIONS.acode.primary as string;
/** Generous: a loaded 2-core machine runs a whole sync, validation and alerts in each test. */
const TEST_TIMEOUT_MS = 240_000;
const logs: string[] = [];
const handles: WorkflowHandle[] = [];
let stack: Stack;

beforeAll(async () => {
  // Every log line of the worker (activities' and workflows' loggers, at debug) is kept for the secret search.
  Runtime.install({ logger: new DefaultLogger('DEBUG', (entry: LogEntry) => logs.push(`${entry.level} ${entry.message} ${JSON.stringify(entry.meta ?? {})}`)) });
  stack = await startStack({ fiscalRows: 3000, radar: false, extract: { maxRowsPerFile: 1000 }, freshTemporalPerTest: false });
}, 120_000);
afterAll(() => stack?.teardown());
beforeEach(() => resetAcodeConnections(stack));

async function start(workflowType: string, input: Record<string, unknown>, workflowId: string): Promise<WorkflowHandle> {
  const handle = await stack.start(workflowType, input, workflowId);
  handles.push(handle);
  return handle;
}

/** The results of every completed `activity` in a workflow's history, decoded from their JSON payloads. */
async function activityResults(handle: WorkflowHandle, activity: string): Promise<any[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = new Set(
    events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activity).map((e) => String(e.eventId)),
  );
  return events
    .filter((e) => e.activityTaskCompletedEventAttributes && scheduled.has(String(e.activityTaskCompletedEventAttributes.scheduledEventId)))
    .map((e) => JSON.parse(Buffer.from(e.activityTaskCompletedEventAttributes!.result!.payloads![0].data!).toString('utf8')));
}

/** Resolves with the index of the first request from index `from` on matching `match`, once the simulator served it (polled, no fixed sleep). */
async function served(from: number, match: (r: Stack['airbyte']['requests'][number]) => boolean, timeoutMs = 180_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  const find = () => stack.airbyte.requests.findIndex((r, i) => i >= from && match(r));
  while (find() < 0) {
    if (Date.now() > until) throw new Error('the simulator did not see the expected request in time');
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return find();
}

const jobsOfPrimary = () => stack.airbyte.jobs.list(stack.airbyte.connectionId(PRIMARY));
const totalSourceRows = () => ACODE_STREAM_NAMES.reduce((sum, s) => sum + stack.acode.rowCounts[s], 0);

test('a first attempt that fails and a second that succeeds: one job, the sync succeeds, the totals come from the stats', async () => {
  const date = '2025-03-03';
  stack.setAirbyteDate(date);
  stack.airbyte.failFirstAttemptOfNextJob('Destination S3: connection reset by peer');
  const before = jobsOfPrimary().length;
  const handle = await start('acodeDailySync', { date, engine: 'airbyte', timings: SHORT_TIMINGS }, acodeDailySyncId(date, 'primary'));
  const result = (await handle.result()) as AcodeDailySyncResult;

  expect(result).toMatchObject({ engine: 'airbyte', source: 'primary' });
  expect(result.streams.map((s) => [s.stream, s.rows])).toEqual(ACODE_STREAM_NAMES.map((s) => [s, stack.acode.rowCounts[s]]));
  await expectAcodePartitionsMatchSource(stack, 'bronze', date, 'primary');
  expect(jobsOfPrimary().length - before).toBe(1);
  const [job] = await activityResults(handle, 'waitForAirbyteJob');
  expect(job).toMatchObject({ status: 'succeeded', attempts: 2, rowsSynced: totalSourceRows() });
  expect(stack.airbyte.jobs.info(job.jobId).attempts.map((a) => a.attempt.status)).toEqual(['failed', 'succeeded']);
}, TEST_TIMEOUT_MS);

test('a daily sync triggered while a sync of the connection runs adopts that job instead of starting another', async () => {
  const date = '2025-03-04';
  stack.setAirbyteDate(date);
  stack.airbyte.hangNextJob();
  const outside = stack.airbyte.jobs.start(stack.airbyte.connectionId(PRIMARY), stack.airbyte.registry.identity(stack.airbyte.connectionId(PRIMARY)));
  await stack.airbyte.waitForJobStatus(outside.job.id, ['running'], 120_000);
  const handle = await start('acodeDailySync', { date, engine: 'airbyte', timings: SHORT_TIMINGS }, acodeDailySyncId(date, 'primary'));
  await served(0, (r) => r.path === '/api/v1/jobs/get_without_logs' && (r.body as { id?: number })?.id === outside.job.id);
  expect(stack.airbyte.releaseJob(outside.job.id)).toBe(true);
  const result = (await handle.result()) as AcodeDailySyncResult;

  expect(result.streams.map((s) => s.rows)).toEqual(ACODE_STREAM_NAMES.map((s) => stack.acode.rowCounts[s]));
  expect(await activityResults(handle, 'triggerAirbyteSync')).toEqual([{ jobId: outside.job.id }]);
  expect(jobsOfPrimary()[0].job.id).toBe(outside.job.id);
  expect(stack.airbyte.requests.filter((r) => r.path === '/api/v1/connections/sync').at(-1)?.status).toBe(409);
}, TEST_TIMEOUT_MS);

test('failover to the backup switches the connections with patch updates only', async () => {
  const date = '2025-03-05';
  stack.setAirbyteDate(date);
  const before = stack.airbyte.requests.length;
  const handle = await start(
    'recovery',
    { system: 'acode', failureType: 'authentication_failed', date, engine: 'airbyte', reason: 'drill', timings: SHORT_TIMINGS },
    recoveryId('acode', 'authentication_failed', date),
  );
  const result = (await handle.result()) as RecoveryResult;
  expect(result.strategy).toBe('use_backup_immediately');
  expect(result.outcome).toBe('recovered');
  expect(connectionStatus(stack, 'primary')).toBe('inactive');
  expect(connectionStatus(stack, 'backup')).toBe('active');
  const updates = stack.airbyte.requests.slice(before).filter((r) => r.path === '/api/v1/connections/update');
  expect(updates.map((u) => [u.body, u.status])).toEqual([
    [{ connectionId: stack.airbyte.connectionId(PRIMARY), status: 'inactive' }, 200],
    [{ connectionId: stack.airbyte.connectionId(AIRBYTE_CONNECTIONS.acode.backup as string), status: 'active' }, 200],
  ]);
  expect(stack.airbyte.registry.catalogReplacements).toEqual([]);
  await expectAcodePartitionsMatchSource(stack, 'backup', date, 'backup');
}, TEST_TIMEOUT_MS);

test('a wait that times out while its job ends and a newer one starts: the cancel leaves the newer job alone', async () => {
  const date = '2025-03-06';
  stack.setAirbyteDate(date);
  stack.airbyte.hangNextJob();
  // Whatever the client does to cancel after the deadline is held until the connection has moved on.
  const cancel = stack.airbyte.holdNextRequest(['/api/v1/jobs/get_light', '/api/v1/jobs/cancel', '/api/v1/jobs/list', '/api/v1/jobs/get']);
  const handle = await start(
    'acodeDailySync',
    { date, engine: 'airbyte', recoverOnFailure: false, timings: { ...SHORT_TIMINGS, acodeSyncTimeoutMs: 3_000 } },
    acodeDailySyncId(date, 'primary'),
  );
  await cancel.reached;
  const stale = jobsOfPrimary()[0].job.id;
  stack.airbyte.releaseJob(stale);
  await stack.airbyte.waitForJobStatus(stale, ['succeeded'], 120_000);
  stack.airbyte.hangNextJob();
  const newer = stack.airbyte.jobs.start(stack.airbyte.connectionId(PRIMARY), stack.airbyte.registry.identity(stack.airbyte.connectionId(PRIMARY))).job.id;
  await stack.airbyte.waitForJobStatus(newer, ['running'], 120_000);
  cancel.release();

  const failure = (await failureOf(handle.result())) as Error & { cause?: Error };
  expect(failure?.cause?.message).toContain(`Airbyte job ${stale} did not finish within 3000 ms`);
  expect(failure?.cause?.message).toContain(`the job was not cancelled: job ${stale} already succeeded`);
  expect(stack.airbyte.jobs.status(newer)).toBe('running');
  expect(stack.airbyte.requests.filter((r) => r.path === '/api/v1/jobs/cancel')).toEqual([]);
  stack.airbyte.jobs.cancelAll();
}, TEST_TIMEOUT_MS);

test('the token expires mid-wait: the next poll is refused, a fresh token is fetched once and the wait goes on', async () => {
  const date = '2025-03-07';
  stack.setAirbyteDate(date);
  stack.airbyte.hangNextJob();
  const from = stack.airbyte.requests.length;
  const handle = await start('acodeDailySync', { date, engine: 'airbyte', timings: SHORT_TIMINGS }, acodeDailySyncId(date, 'primary'));
  const firstPoll = await served(from, (r) => r.path === '/api/v1/jobs/get_without_logs' && r.status === 200 && r.scheme === 'Bearer');
  const job = (stack.airbyte.requests[firstPoll].body as { id: number }).id;
  const issued = stack.airbyte.auth.issued.length;
  const refusals = stack.airbyte.auth.refusals.length;
  stack.airbyte.expireTokens();
  const refused = await served(firstPoll, (r) => r.path === '/api/v1/jobs/get_without_logs' && r.status === 401);
  await served(refused, (r) => r.path === '/api/v1/jobs/get_without_logs' && r.status === 200);
  expect(stack.airbyte.releaseJob(job)).toBe(true);
  const result = (await handle.result()) as AcodeDailySyncResult;

  expect(result.streams.map((s) => s.rows)).toEqual(ACODE_STREAM_NAMES.map((s) => stack.acode.rowCounts[s]));
  expect(stack.airbyte.auth.refusals.slice(refusals)).toEqual(['/api/v1/jobs/get_without_logs']);
  expect(stack.airbyte.auth.issued.length).toBe(issued + 1);
  expect(await activityResults(handle, 'waitForAirbyteJob')).toEqual([expect.objectContaining({ jobId: job, status: 'succeeded' })]);
}, TEST_TIMEOUT_MS);

test('no secret or token in the logs, alerts or workflow histories of this file; every request and answer on the spec', async () => {
  const secrets = [stack.airbyteCredentials.clientSecret, ...stack.airbyte.auth.issued];
  expect(stack.airbyte.auth.issued.length).toBeGreaterThanOrEqual(2);
  expect(logs.some((l) => l.includes('fetched an Airbyte access token'))).toBe(true);
  expect(logs.some((l) => l.includes('Airbyte answered 401'))).toBe(true);
  // Payloads are bytes: written out as text, so a secret inside any payload would show.
  const asText = (_key: string, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value);
  const histories = await Promise.all(handles.map(async (h) => JSON.stringify(await h.fetchHistory(), asText)));
  expect(histories.join('\n')).toContain('Airbyte job');
  const alerts = [...stack.slack.received().map((m) => m.raw), ...stack.pagerDuty.received().map((e) => e.raw)];
  expect(alerts.length).toBeGreaterThan(0);
  const haystacks = { logs: logs.join('\n'), alerts: alerts.join('\n'), histories: histories.join('\n'), calls: JSON.stringify(stack.calls) };
  for (const [where, text] of Object.entries(haystacks)) {
    for (const secret of secrets) {
      if (text.includes(secret)) throw new Error(`a secret or token (${secret.slice(0, 6)}…) appears in the ${where}`);
    }
  }
  expect(specConformance(stack.airbyte).problems).toEqual([]);
}, TEST_TIMEOUT_MS);
