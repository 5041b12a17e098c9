/**
 * The tables of a syncTablesToS3 batch as the progress display reads them:
 * pending when scheduled; while it runs, the tables its heartbeat names done
 * and the next one running with its rows; completed, each table landed or
 * failed with its message; ended without a result, the tables not done failed.
 */
import { batchCompleted, batchEnded, batchPending, batchScheduled, type RecordTable } from '../../client/batch-progress';
import type { CallPart } from '../../client/stream-progress';
import type { TableInBatch } from '../../activities/types';

const input = { system: 'radar', role: 'primary', streams: ['store', 'product', 'user_access'] };
const landed = (stream: string, rows: number): TableInBatch => ({ stream, result: { stream, rows, files: 1, bytes: 10, durationMs: 5, location: `s3://b/${stream}/` } });

function recorder(): { record: RecordTable; states: Map<string, CallPart>; scheduled: string[] } {
  const states = new Map<string, CallPart>();
  const scheduled: string[] = [];
  return {
    states,
    scheduled,
    record: (table, progress, isScheduled) => {
      expect(table).toMatchObject({ system: 'radar', role: 'primary' });
      states.set(table.stream, progress);
      if (isScheduled) scheduled.push(table.stream);
    },
  };
}

test('scheduled: every table pending, recorded as scheduled', () => {
  const r = recorder();
  batchScheduled(input, r.record);
  expect(r.scheduled).toEqual(input.streams);
  expect([...r.states.values()].every((s) => s.state === 'pending' && s.rows === 0)).toBe(true);
});

test('running: the tables done as their results say, the next one running with its heartbeat progress, the rest untouched', () => {
  const r = recorder();
  batchScheduled(input, r.record);
  batchPending(input, { batch: [landed('store', 200)], progress: { rows: 120, files: 0 } }, { running: true, attempt: 1, progress: { rows: 120, files: 0 } }, r.record);
  expect(r.states.get('store')).toEqual({ state: 'done', rows: 200, files: 1, total: 200 });
  expect(r.states.get('product')).toEqual({ state: 'running', rows: 120, files: 0, attempt: 1 });
  expect(r.states.get('user_access')?.state).toBe('pending');
});

test('completed: each table landed or failed with its one-line message', () => {
  const r = recorder();
  const items: TableInBatch[] = [landed('store', 200), { stream: 'product', failure: { type: 'schema_change', message: 'product: column x missing', nonRetryable: true } }, landed('user_access', 5)];
  batchCompleted(input, items, r.record);
  expect(r.states.get('store')?.state).toBe('done');
  expect(r.states.get('product')).toEqual({ state: 'failed', rows: 0, files: 0, error: 'product: column x missing' });
  expect(r.states.get('user_access')).toMatchObject({ state: 'done', rows: 5 });
});

test('ended without a result: the tables not done fail with the batch, the done ones stay done; junk results are ignored', () => {
  const r = recorder();
  batchPending(input, { batch: [landed('store', 200)] }, { running: true, attempt: 2, progress: { rows: 0, files: 0 } }, r.record);
  batchEnded(input, 'activity timed out', (stream) => r.states.get(stream)?.state === 'done', r.record);
  expect(r.states.get('store')?.state).toBe('done');
  expect(r.states.get('product')).toEqual({ state: 'failed', rows: 0, files: 0, error: 'activity timed out' });
  expect(r.states.get('user_access')?.state).toBe('failed');
  const junk = recorder();
  batchCompleted(input, 'not a list', junk.record);
  batchCompleted(input, [null, { stream: 3 }], junk.record);
  batchPending({ streams: 'store' }, { batch: 'x' }, { running: false, attempt: 1, progress: { rows: 0, files: 0 } }, junk.record);
  expect(junk.states.size).toBe(0);
});
