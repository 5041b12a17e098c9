/**
 * Replay safety: every history fixture of test/fixtures/histories/ (captured from
 * the fast workflow tests by test/replay/capture-histories.ts) is replayed with
 * Worker.runReplayHistories against the workflow code as the worker loads it
 * (worker/bundle.ts: WORKFLOWS_PATH and the workflow interceptor modules, the
 * metrics sinks). A change that would make a running workflow take another path
 * on replay (commands added, removed or reordered) fails here with the SDK's
 * DeterminismViolationError naming the fixture. When the change is intended and
 * no run of the old code can still be open, re-capture the fixtures.
 */
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker, type ReplayResult } from '@temporalio/worker';
import { WORKFLOW_INTERCEPTOR_MODULES, WORKFLOWS_PATH } from '../../worker/bundle';
import { createIngestionMetrics, ingestionMetricsSinks } from '../../worker/metrics';
import { quietRuntime } from '../helpers/temporal-env';
import { REQUIRED_FIXTURES, fixtureNames, loadFixture, loadWorkflowIds, workflowTypeOf } from './fixtures';
import type { History } from '@temporalio/common/lib/proto-utils';

const names = fixtureNames();
const histories = new Map<string, History>(names.map((name) => [name, loadFixture(name)]));
const workflowIds = loadWorkflowIds();
const results = new Map<string, ReplayResult>();

beforeAll(async () => {
  quietRuntime();
  const replays = Worker.runReplayHistories(
    {
      workflowsPath: WORKFLOWS_PATH,
      interceptors: { workflowModules: WORKFLOW_INTERCEPTOR_MODULES },
      sinks: ingestionMetricsSinks(createIngestionMetrics({ processMetrics: false })),
      replayName: 'history-fixtures',
    },
    // Replayed under its own workflow id (child ids derive from it); results come back in order.
    names.map((name) => ({ workflowId: workflowIds[name] ?? name, history: histories.get(name) })),
  );
  let i = 0;
  for await (const result of replays) results.set(names[i++], result);
}, 120_000);

test('the fixtures hold every required case, with its workflow type and id, and every workflow type of the service', () => {
  expect(Object.keys(workflowIds).sort()).toEqual(names);
  expect(Object.fromEntries(Object.keys(REQUIRED_FIXTURES).map((name) => [name, histories.has(name) ? workflowTypeOf(histories.get(name) as History) : 'missing']))).toEqual(
    REQUIRED_FIXTURES,
  );
  const types = new Set([...histories.values()].map(workflowTypeOf));
  expect([...types].sort()).toEqual(['acodeDailySync', 'healthMonitor', 'radarDailySync', 'reconciliation', 'recovery']);
  // The cases are what they say: a second monitor run, a recovery that got a decision.
  const monitor = histories.get('health-monitor-after-continue-as-new')?.events?.[0]?.workflowExecutionStartedEventAttributes;
  expect(monitor?.continuedExecutionRunId).toBeTruthy();
  const decided = histories.get('recovery-manual-decision-use-backup')?.events ?? [];
  expect(decided.map((e) => e.workflowExecutionSignaledEventAttributes?.signalName).filter(Boolean)).toEqual(['operatorDecision']);
  expect(decided.some((e) => e.timerStartedEventAttributes)).toBe(true);
});

test.each(names)('%s replays on the current workflow code without nondeterminism', (name) => {
  const result = results.get(name);
  expect(result?.workflowId).toBe(workflowIds[name]);
  const error = result?.error;
  const kind = error instanceof DeterminismViolationError ? 'nondeterminism' : error ? 'replay failure' : 'none';
  expect({ kind, message: error?.message }).toEqual({ kind: 'none', message: undefined });
});
