/**
 * Operator decisions as the recovery's `decide` Update, through the CLI
 * (`orchestrator signal decision …`): a recovery waiting for a person answers with
 * the strategy it enters; what cannot apply now is refused with the reason and
 * leaves the recovery waiting (a system without a backup, no decision pending, a
 * malformed decision); the history holds only the accepted decision.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { runCli, type CliIo } from '../../../client/cli';
import type { FailureType } from '../../../config/failures';
import type { SystemName } from '../../../config/pipelines';
import { recoveryId } from '../../../workflows/ids';
import { decideUpdate, recoveryProgressQuery } from '../../../workflows/messages';
import type { RecoveryResult } from '../../../workflows/recovery';
import { typesOf, useFastEnv, waitForEvent } from './fast-env';

const env = useFastEnv();
const DATE = '2026-03-09';

/** Runs the CLI against the test environment's client; returns its exit code and what it printed. */
async function cli(...argv: string[]): Promise<{ code: number; out: unknown; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    connect: async () => ({ client: env.client, settings: { address: 'test', namespace: 'default', taskQueue: env.taskQueue }, close: async () => undefined }),
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    readInput: () => '',
  };
  const code = await runCli(argv, io);
  return { code, out: out.length ? JSON.parse(out.join('')) : undefined, err: err.join('\n') };
}

/** Starts a recovery and returns once it waits for a person (its decision timer is in the history). */
async function waitingRecovery(system: SystemName, failureType: FailureType) {
  env.use();
  const id = recoveryId(system, failureType, DATE);
  const handle = await env.start('recovery', { system, failureType, date: DATE }, id);
  await waitForEvent(env.client, id, (e) => e.timerStartedEventAttributes != null);
  return { id, handle };
}

test('a recovery waiting for a person answers use_backup with the strategy it enters, then takes the backup path', async () => {
  const { id, handle } = await waitingRecovery('acode', 'schema_change');
  const answered = await cli('signal', 'decision', id, '--action', 'use_backup', '--operator', 'eva', '--note', 'replica is current');
  expect(answered).toEqual({ code: 0, out: { decided: 'use_backup', workflowId: id, next: 'use_backup_immediately' }, err: '' });
  const result = (await handle.result()) as RecoveryResult;
  expect(result).toMatchObject({ finalStrategy: 'use_backup_immediately', outcome: 'recovered', decision: { action: 'use_backup', operator: 'eva', note: 'replica is current' } });
  const types = typesOf(await handle.fetchHistory());
  expect(types.filter((t) => t.startsWith('WorkflowExecutionUpdate'))).toEqual(['WorkflowExecutionUpdateAccepted', 'WorkflowExecutionUpdateCompleted']);
  expect(types).not.toContain('WorkflowExecutionSignaled');
});

test('Radar has no backup: use_backup is refused with the reason and the recovery keeps waiting; abort is then answered', async () => {
  const { id, handle } = await waitingRecovery('radar', 'schema_change');
  // A rejected Update leaves no event of its own. Temporal's server also drops the workflow task
  // that ran the validator; its test server records that task: workflow-task events are left out.
  const beyondTasks = async () => typesOf(await handle.fetchHistory()).filter((t) => !t.startsWith('WorkflowTask'));
  const before = await beyondTasks();
  const refused = await cli('signal', 'decision', id, '--action', 'use_backup', '--operator', 'ana');
  expect(refused.code).toBe(1);
  expect(refused.err).toContain(`${id} refused the decision: use_backup refused: radar has no backup source`);
  expect(await beyondTasks()).toEqual(before);
  expect((await handle.query(recoveryProgressQuery)).step).toBe('waiting_for_operator');

  const aborted = await cli('signal', 'decision', id, '--action', 'abort', '--operator', 'ana');
  expect(aborted).toEqual({ code: 0, out: { decided: 'abort', workflowId: id, next: 'abort' }, err: '' });
  expect(((await handle.result()) as RecoveryResult).outcome).toBe('aborted');
});

test('a malformed decision, and a decision while none is pending, are refused by the validator', async () => {
  const { id, handle } = await waitingRecovery('acode', 'stale_data');
  const malformed = await handle.executeUpdate(decideUpdate, { args: [{ action: 'explode', operator: 'x' } as never] }).catch((err: unknown) => err);
  expect(malformed).toBeInstanceOf(WorkflowUpdateFailedError);
  expect((malformed as WorkflowUpdateFailedError).cause?.message).toMatch(/action/);

  // The answer is taken in the task that accepts it: the recovery is on its way (waiting out its first backoff).
  expect((await cli('signal', 'decision', id, '--action', 'retry_primary', '--operator', 'eva')).out).toMatchObject({ next: 'retry_primary_with_delay' });
  const again = await cli('signal', 'decision', id, '--action', 'abort', '--operator', 'eva');
  expect(again.code).toBe(1);
  expect(again.err).toContain('abort refused: no decision is pending: the recovery is not waiting for a person');
  expect((await handle.query(recoveryProgressQuery)).decision).toMatchObject({ action: 'retry_primary', operator: 'eva' });
  await handle.terminate('test over');
});
