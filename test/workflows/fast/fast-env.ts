/**
 * The environment of the fast workflow tests: the real workflows (workflows/index.ts)
 * on Temporal's test server with time skipping, run by a worker whose
 * activities are stand-ins (test/helpers/standin-activities.ts).
 * One environment per test (useFastEnv); each test installs its own scripted stand-ins with
 * `use(overrides)`.
 *
 * `captureHistory(handle, name)` saves the run's history as a fixture when
 * CAPTURE_HISTORIES=1 (test/replay/capture-histories.ts); otherwise it does nothing.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Client, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { createTestEnvironment, pinClock, skipTimeUntil, type TestServer } from '../../helpers/temporal-env';
import { cachedWorkflowBundle } from './workflow-bundle';
import { WORKFLOW_ID_SUFFIX } from '../../replay/fixtures';
import { historyToJSON, type History } from '@temporalio/common/lib/proto-utils';
import { ACTIVITY_NAMES, standinActivities, type Overrides, type Standins } from '../../helpers/standin-activities';

export const WORKFLOWS_PATH = path.resolve(__dirname, '../../../workflows/index.ts');

export interface FastEnv {
  /** The SDK's time-skipping client: time moves while it awaits a result. */
  client: Client;
  /** The SDK's test environment (sleep(), currentTimeMs()). */
  testEnv: TestWorkflowEnvironment;
  /** The worker's task queue. */
  taskQueue: string;
  /** Installs fresh stand-ins for the next workflows, healthy except for the overrides. */
  use(overrides?: Overrides): Standins;
  start(workflowType: string, input: unknown, workflowId: string): Promise<WorkflowHandleWithFirstExecutionRunId>;
  /** Lets time skip while `wait` is pending (see skipTimeUntil in test/helpers/temporal-env.ts). */
  skipTimeUntil<T>(wait: Promise<T>): Promise<T>;
  /** Stops time skipping until released (LockTimeSkipping), also while a result is awaited. */
  pinClock(): Promise<{ release(): Promise<void> }>;
  teardown(): Promise<void>;
}

/**
 * As test/helpers/temporal-env.ts (the SDK's time-skipping test environment on Temporal's
 * service, or TEMPORAL_ADDRESS; a worker on a unique task queue; its client), with the
 * workflow bundle shared by every fast test file (workflow-bundle.ts) instead of one per file.
 */
export async function startFastEnv(server: TestServer = 'time-skipping'): Promise<FastEnv> {
  let current = standinActivities();
  const dispatch: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const name of ACTIVITY_NAMES) {
    dispatch[name] = (input: unknown) => (current.activities[name] as (input: unknown) => Promise<unknown>)(input);
  }
  const taskQueue = `fast-${randomUUID()}`;
  const [workflowBundle, testEnv] = await Promise.all([cachedWorkflowBundle(WORKFLOWS_PATH), createTestEnvironment(server)]);
  const worker = await Worker.create({ connection: testEnv.nativeConnection, namespace: 'default', taskQueue, workflowBundle, activities: dispatch, shutdownGraceTime: '1s' });
  const running = worker.run();
  const client = testEnv.client;
  const start = (workflowType: string, args: unknown[], workflowId: string) => client.workflow.start(workflowType, { args, workflowId, taskQueue });
  return {
    client,
    testEnv,
    taskQueue,
    use(overrides) {
      current = standinActivities({ overrides });
      return current;
    },
    start: (workflowType, input, workflowId) => start(workflowType, [input], workflowId),
    pinClock: () => pinClock(testEnv),
    skipTimeUntil: (wait) => skipTimeUntil(testEnv, wait),
    async teardown() {
      current.releaseAll();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await testEnv.teardown();
    },
  };
}

/**
 * Each test's own environment, started before it and torn down after it: Temporal's test
 * server keeps time skipping locked for an activity still in flight when its run is
 * terminated, so runs one test leaves are not ended in a server the next test uses.
 */
export function useFastEnv(): FastEnv {
  let env: FastEnv | undefined;
  beforeEach(async () => {
    env = await startFastEnv();
  });
  afterEach(async () => {
    await env?.teardown();
    env = undefined;
  });
  const current = (): FastEnv => {
    if (!env) throw new Error('the fast environment is not started (use it inside a test)');
    return env;
  };
  return {
    get client() {
      return current().client;
    },
    get testEnv() {
      return current().testEnv;
    },
    get taskQueue() {
      return current().taskQueue;
    },
    use: (overrides) => current().use(overrides),
    start: (workflowType, input, workflowId) => current().start(workflowType, input, workflowId),
    pinClock: () => current().pinClock(),
    skipTimeUntil: (wait) => current().skipTimeUntil(wait),
    teardown: () => current().teardown(),
  };
}

/** Every event's attributes of one kind, e.g. 'startChildWorkflowExecutionInitiatedEventAttributes'. */
export function attributesOf<K extends keyof temporal.api.history.v1.IHistoryEvent>(history: History, key: K): NonNullable<temporal.api.history.v1.IHistoryEvent[K]>[] {
  return (history.events ?? []).map((e) => e[key]).filter((a): a is NonNullable<typeof a> => a != null);
}

export interface ChildStart {
  workflowType: string;
  workflowId: string;
  /** ABANDON, TERMINATE or REQUEST_CANCEL (unset is Temporal's default, TERMINATE). */
  parentClosePolicy: string;
}

/** The child workflows a run started, in order, read from its history. */
export async function childStarts(handle: WorkflowHandle): Promise<ChildStart[]> {
  const history = await handle.fetchHistory();
  return attributesOf(history, 'startChildWorkflowExecutionInitiatedEventAttributes').map((a) => ({
    workflowType: a.workflowType?.name ?? '',
    workflowId: a.workflowId ?? '',
    parentClosePolicy: a.parentClosePolicy ? temporal.api.enums.v1.ParentClosePolicy[a.parentClosePolicy].replace('PARENT_CLOSE_POLICY_', '') : 'TERMINATE',
  }));
}

/**
 * With CAPTURE_HISTORIES=1, saves the run's history as the fixture `name`
 * (historyToJSON) and its workflow id beside it, in CAPTURE_HISTORIES_DIR, the
 * folder test/replay/capture-histories.ts gathers the fixtures from.
 */
export async function captureHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.CAPTURE_HISTORIES !== '1') return;
  const dir = process.env.CAPTURE_HISTORIES_DIR;
  if (!dir) throw new Error('CAPTURE_HISTORIES_DIR is not set: capture with `npx tsx test/replay/capture-histories.ts`');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, `${name}.json`), `${historyToJSON(await handle.fetchHistory())}\n`);
  await writeFile(path.join(dir, `${name}${WORKFLOW_ID_SUFFIX}`), handle.workflowId);
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The long poll's bound: an event written between a read and the next poll is seen at the latest then. */
const LONG_POLL_MS = 5_000;

/** `EVENT_TYPE_ACTIVITY_TASK_STARTED` -> `ActivityTaskStarted`. */
export function eventTypeName(event: HistoryEvent): string {
  const name = temporal.api.enums.v1.EventType[Number(event.eventType)] ?? '';
  return name.replace(/^EVENT_TYPE_/, '').toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

/** The event types of a history, in order. */
export function typesOf(history: History): string[] {
  return (history.events ?? []).map(eventTypeName);
}

function isClosedEvent(event: HistoryEvent): boolean {
  return /^WorkflowExecution(Completed|Failed|TimedOut|Canceled|Terminated|ContinuedAsNew)$/.test(eventTypeName(event));
}

/**
 * Resolves with the first event of a run's history matching `predicate`, already
 * written or to come: reads the history, then long-polls for new events (waitNewEvent)
 * before reading it again; no sleeping. Temporal's test server answers a long poll with
 * the events written after it began, its server with pages: both are read whole again.
 */
export async function waitForEvent(client: Client, workflowId: string, predicate: (event: HistoryEvent) => boolean): Promise<HistoryEvent> {
  const execution = { workflowId };
  for (;;) {
    const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const found = events.find(predicate);
    if (found) return found;
    if (events.some(isClosedEvent)) throw new Error(`${workflowId} closed without the event awaited`);
    await client.connection
      .withDeadline(Date.now() + LONG_POLL_MS, () => client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution, waitNewEvent: true }))
      .catch((err: { code?: number }) => {
        if (err.code !== 4) throw err; // DEADLINE_EXCEEDED: read the history again
      });
  }
}

/** Milliseconds between two ISO timestamps. */
export function msBetween(from: string, to: string): number {
  return Date.parse(to) - Date.parse(from);
}
