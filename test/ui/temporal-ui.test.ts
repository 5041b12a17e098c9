/**
 * Temporal's UI on the embedded stack, in a browser, as an operator uses it: start a workflow
 * from the Start Workflow form with the README's JSON and see it complete in the list; answer
 * a recovery waiting for a person with its `decide` Update and see it recover; trigger and pause
 * the `acode-daily-sync` schedule from its page; a malformed input shows the refusal.
 * Screenshots: test-artifacts/ui/.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { stopAllGroups } from '../../engines/process-group';
import { fillEditor, reloadUntilVisible, startUiEnv, type UiEnv } from '../helpers/ui-env';

jest.setTimeout(600_000);

let ui: UiEnv;
const dayBefore = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  ui = await startUiEnv();
}, 600_000);
afterAll(async () => {
  await ui?.stop();
  await stopAllGroups();
});
afterEach(async () => {
  const name = expect.getState().currentTestName?.replace(/\W+/g, '-').slice(0, 80) ?? 'test';
  await ui?.screenshot(`last-${name}`).catch(() => undefined);
});

async function startFromForm(workflowId: string, workflowType: string, input: string): Promise<void> {
  const { page } = ui;
  await page.goto(ui.url('/namespaces/default/workflows/start-workflow'));
  await page.locator('#workflowId').fill(workflowId);
  await page.locator('#taskQueue').fill('ingestion');
  await page.locator('#workflowType').fill(workflowType);
  await page.locator('#workflowType').blur();
  await fillEditor(page, '[data-testid="start-workflow"] ~ *', input);
  await ui.screenshot(`start-form-${workflowType}`);
  // The UI posts the start and stays on the form: the start is seen in its answer.
  const started = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes(`/workflows/${encodeURIComponent(workflowId)}`));
  await page.locator('[data-testid="start-workflow-button"]').click();
  expect((await started).status()).toBe(200);
}

async function openRun(workflowId: string): Promise<void> {
  await ui.page.goto(ui.url(`/namespaces/default/workflows/${encodeURIComponent(workflowId)}`));
  await ui.page.waitForURL(/\/history/);
}

test('an acodeDailySync started from the Start Workflow form completes and shows Completed in the list', async () => {
  // Today's primary sync is the main job's; the same day from the backup is a sync of its own.
  const date = dayBefore(0);
  const workflowId = `acode-daily-${date}-backup`;
  await startFromForm(workflowId, 'acodeDailySync', JSON.stringify({ date, source: 'backup', engine: 'direct' }));
  const result = await ui.client.workflow.getHandle(workflowId).result();
  expect(result).toBeDefined();
  await ui.page.goto(ui.url(`/namespaces/default/workflows?query=${encodeURIComponent(`WorkflowId="${workflowId}"`)}`));
  await reloadUntilVisible(ui.page, workflowId, 60_000);
  const row = ui.page.locator('tr', { hasText: workflowId }).first();
  await row.getByText('Completed').waitFor({ state: 'visible', timeout: 30_000 });
  await ui.screenshot('workflows-list-completed');
  await openRun(workflowId);
  await ui.page.getByText('Completed', { exact: true }).first().waitFor({ state: 'visible', timeout: 30_000 });
  await ui.screenshot('run-history-completed');
});

test('a recovery waiting for a person is answered with its decide Update from the UI, then recovers', async () => {
  const date = dayBefore(0);
  const handle: WorkflowHandle = await ui.client.workflow.start('recovery', {
    taskQueue: 'ingestion', workflowId: `recovery-acode-schema_change-${date}`,
    args: [{ system: 'acode', failureType: 'schema_change', date, reason: 'SchemaChange alert' }],
  });
  // Wait on the condition: the recovery asks for a decision.
  await waitFor(async () => ((await handle.query<{ step: string }>('recoveryProgress')).step === 'waiting_for_operator' ? true : undefined), 120_000);
  await openRun(handle.workflowId);
  const { page } = ui;

  // A malformed decision is refused by the Update's validator, with its message in the UI.
  await sendUpdate('decide', JSON.stringify({ action: 'jump', operator: 'ana' }));
  await page.locator(UPDATE_MODAL).getByText(/action/).first().waitFor({ state: 'visible', timeout: 60_000 });
  await ui.screenshot('update-refused');
  await page.keyboard.press('Escape');

  await page.reload();
  await sendUpdate('decide', JSON.stringify({ action: 'use_backup', operator: 'ana', note: 'from the UI' }));
  const progress = await waitFor(async () => {
    const p = await handle.query<{ decision?: { action: string; operator: string } }>('recoveryProgress');
    return p.decision;
  }, 60_000);
  expect(progress).toMatchObject({ action: 'use_backup', operator: 'ana' });
  await handle.result();
  await openRun(handle.workflowId);
  await reloadUntilVisible(page, 'Completed', 60_000);
  await ui.screenshot('recovery-recovered');
});

const UPDATE_MODAL = 'dialog[open][data-testid="update-confirmation-modal"]';

async function sendUpdate(name: string, input: string): Promise<void> {
  const { page } = ui;
  await page.getByRole('button', { name: 'More Actions' }).first().click();
  await page.locator('[data-testid="update-button"]:visible').first().click();
  // The run page renders its actions twice (wide and narrow layouts): the open dialog is the one.
  const modal = page.locator(UPDATE_MODAL);
  await modal.waitFor({ state: 'visible' });
  // The Update's name: typed, or picked from the workflow's own definitions where the UI lists them.
  const typed = modal.locator('#update-name');
  if (await typed.isVisible()) await typed.fill(name);
  else {
    await modal.getByRole('button', { name: /Select an Update|decide/ }).click();
    await page.getByRole('option', { name: new RegExp(name) }).first().click();
  }
  await fillEditor(page, UPDATE_MODAL, input);
  await modal.locator('[data-testid="confirm-modal-button"]').click();
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test('the acode-daily-sync schedule is triggered and paused from its page', async () => {
  const schedule = ui.client.schedule.getHandle('acode-daily-sync');
  const before = (await schedule.describe()).info.numActionsTaken;
  const { page } = ui;
  await page.goto(ui.url('/namespaces/default/schedules/acode-daily-sync'));
  await page.locator('[data-testid="schedule-name"]').first().waitFor({ state: 'visible' });
  await ui.screenshot('schedule-page');
  await page.locator('#schedule-actions-menu-button:visible').first().click();
  await page.locator('[data-testid="trigger-schedule"]:visible').first().click();
  await page.locator('#trigger-schedule-modal [data-testid="confirm-modal-button"]').click();
  await waitFor(async () => ((await schedule.describe()).info.numActionsTaken > before ? true : undefined), 60_000);

  await page.locator('#schedule-actions-primary-button:visible').first().click();
  await page.locator('#pause-reason').fill('paused from the UI test');
  await page.locator('#pause-schedule-modal [data-testid="confirm-modal-button"]').click();
  await waitFor(async () => ((await schedule.describe()).state.paused ? true : undefined), 60_000);
  await reloadUntilVisible(page, 'Unpause', 30_000);
  await ui.screenshot('schedule-paused');
  await schedule.unpause('unpaused by the UI test');
});

test('a malformed input from the Start Workflow form is refused with invalid_input, shown in the UI', async () => {
  const workflowId = `ui-malformed-${Date.now()}`;
  await startFromForm(workflowId, 'acodeDailySync', JSON.stringify({ date: '2026-02-31', source: 'primary' }));
  await expect(ui.client.workflow.getHandle(workflowId).result()).rejects.toThrow();
  await openRun(workflowId);
  await reloadUntilVisible(ui.page, /invalid_input/, 60_000);
  await ui.screenshot('malformed-input-refused');
});
