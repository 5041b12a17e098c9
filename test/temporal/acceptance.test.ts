/**
 * The standalone service and a worker, each in its own process (node with tsx's
 * loader, no wrapper process in between), and a client in this one. Both
 * processes stop on SIGTERM with exit 0, whenever it arrives after their
 * handler is installed, also on a loaded machine.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { spawnGroup, spawnTsx, stopAllGroups, stopGroup, type GroupChild } from '../../engines/process-group';
import { greetingWorkflow } from './workflows/conformance';

const CLEAN_EXIT = { code: 0, signal: null };
/** Generous: the machine may be busy; a process that needs longer than this to stop is a failure. */
const STOP_GRACE_MS = 30_000;

let service: GroupChild;
let address: string;

beforeAll(async () => {
  service = spawnTsx(['local/temporal/cli.ts', '--port', '0']);
  [, address] = await service.waitFor(/listening on (\S+)/, 60_000);
}, 90_000);

afterAll(() => stopAllGroups());

function startWorker(taskQueue: string, viaTsxCli = false): GroupChild {
  const env = { ...process.env, TEMPORAL_ADDRESS: address, TASK_QUEUE: taskQueue };
  const script = 'test/temporal/acceptance/worker-main.ts';
  return viaTsxCli ? spawnGroup(process.execPath, [require.resolve('tsx/cli'), script], { env }) : spawnTsx([script], { env });
}

/** Running, and not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

test('a worker process and a client process meet on the standalone service; the worker drains on SIGTERM and exits 0', async () => {
  const taskQueue = `acceptance-${randomUUID()}`;
  const worker = startWorker(taskQueue);
  await worker.waitFor('worker running', 60_000);
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const result = await client.workflow.execute(greetingWorkflow, { taskQueue, workflowId: `acceptance-${randomUUID()}`, args: ['acceptance'] });
    expect(result).toBe('Hello, acceptance!');
  } finally {
    await connection.close();
  }
  expect({ exit: await stopGroup(worker, STOP_GRACE_MS), output: worker.output() }).toEqual({
    exit: CLEAN_EXIT,
    output: expect.stringMatching(/worker running[\s\S]*worker stopped\n$/),
  });
}, 120_000);

test('SIGTERM while the worker is still starting: it exits 0', async () => {
  const worker = startWorker(`acceptance-${randomUUID()}`);
  await worker.waitFor('worker starting', 60_000);
  expect({ exit: await stopGroup(worker, STOP_GRACE_MS), output: worker.output() }).toEqual({
    exit: CLEAN_EXIT,
    // Where the signal lands depends on the machine's speed: almost always before polling, and either way a clean stop.
    output: expect.stringMatching(/worker stopped( before polling)?\n$/),
  });
}, 120_000);

test('a tsx wrapper stopped as a group: the node process it runs is stopped too', async () => {
  const wrapper = startWorker(`acceptance-${randomUUID()}`, true);
  const [, inner] = await wrapper.waitFor(/worker running pid (\d+)/, 60_000);
  const innerPid = Number(inner);
  expect(innerPid).not.toBe(wrapper.pid); // the worker runs in a child of the wrapper
  expect(alive(innerPid)).toBe(true);
  await stopGroup(wrapper, STOP_GRACE_MS); // its exit code is the wrapper's relay, not asserted here
  expect(alive(innerPid)).toBe(false);
}, 120_000);

test('the service stops on SIGTERM with exit 0', async () => {
  expect({ exit: await stopGroup(service, STOP_GRACE_MS), output: service.output() }).toEqual({
    exit: CLEAN_EXIT,
    output: expect.stringContaining(`listening on ${address}`),
  });
});
