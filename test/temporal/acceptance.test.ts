import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { greetingWorkflow } from './workflows/conformance';

const root = path.resolve(__dirname, '../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');
const children: ChildProcess[] = [];

/** Spawns a process and resolves with the first stdout line matching `ready`. */
function spawnUntil(args: string[], env: NodeJS.ProcessEnv, ready: RegExp, timeoutMs: number): Promise<{ proc: ChildProcess; match: RegExpMatchArray }> {
  const proc = spawn(tsx, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} not ready within ${timeoutMs} ms: ${err}`)), timeoutMs);
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ proc, match });
      }
    });
    proc.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code} before being ready: ${err}`));
    });
  });
}

function stop(proc: ChildProcess): Promise<number | null> {
  if (proc.exitCode !== null) return Promise.resolve(proc.exitCode);
  return new Promise((resolve) => {
    proc.once('exit', (code) => resolve(code));
    proc.kill('SIGTERM');
  });
}

afterAll(async () => {
  for (const proc of children) if (proc.exitCode === null) proc.kill('SIGKILL');
});

test('a worker process and a client process meet on the standalone service', async () => {
  const { proc: service, match } = await spawnUntil(['local/temporal/cli.ts', '--port', '0'], {}, /listening on (\S+)/, 20_000);
  const address = match[1];
  const taskQueue = `acceptance-${randomUUID()}`;
  const { proc: worker } = await spawnUntil(['test/temporal/acceptance/worker-main.ts'], { TEMPORAL_ADDRESS: address, TASK_QUEUE: taskQueue }, /worker running/, 40_000);
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const result = await client.workflow.execute(greetingWorkflow, { taskQueue, workflowId: `acceptance-${randomUUID()}`, args: ['acceptance'] });
    expect(result).toBe('Hello, acceptance!');
  } finally {
    await connection.close();
  }
  expect(await stop(worker)).toBe(0);
  expect(await stop(service)).toBe(0);
});
