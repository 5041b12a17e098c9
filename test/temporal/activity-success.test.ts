import { createTemporalEnv, type TemporalEnv } from '../helpers/temporal-env';
import * as activities from './conformance-activities';
import { greetingWorkflow } from './workflows/conformance';

let env: TemporalEnv;
beforeAll(async () => {
  env = await createTemporalEnv({ workflowsPath: require.resolve('./workflows/conformance'), activities });
});
afterAll(async () => {
  await env?.teardown();
});

test('an activity result comes back as the workflow result, with the expected history', async () => {
  const handle = await env.start(greetingWorkflow, { args: ['Farmarcas'] });
  expect(await handle.result()).toBe('Hello, Farmarcas!');
  const history = await handle.fetchHistory();
  const types = history.events?.map((e) => e.eventType);
  expect(types).toEqual([1, 5, 6, 7, 10, 11, 12, 5, 6, 7, 2]);
});
