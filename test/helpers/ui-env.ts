/**
 * Temporal's UI on the embedded stack, for browser tests: the main job (`npm start`, serving)
 * in its own process group with its embedded stack, the UI of its Temporal dev server, a client
 * on that server, and Debian's chromium driven by playwright-core. Screenshots go to
 * test-artifacts/ui/ (CI keeps them).
 *
 *   const ui = await startUiEnv();          // in beforeAll, with a generous timeout
 *   await ui.page.goto(ui.url('/namespaces/default/workflows'));
 *   await ui.screenshot('workflows');
 *   await ui.stop();                        // in afterAll
 *
 * CHROMIUM_PATH names another browser binary (default /usr/bin/chromium).
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT, spawnTsx, stopGroup, type GroupChild } from '../../engines/process-group';

export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'ui');

export interface UiEnv {
  /** The UI's URL for a path. */
  url(pathname: string): string;
  client: Client;
  page: Page;
  browser: Browser;
  job: GroupChild;
  /** Saves a full-page screenshot as test-artifacts/ui/<name>.png. */
  screenshot(name: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startUiEnv(): Promise<UiEnv> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ui-job-'));
  const env: NodeJS.ProcessEnv = { ...process.env, TEMPORAL_UI_PORT: '0', TEMPORAL_UI_HOST: '127.0.0.1' };
  for (const key of ['TEMPORAL_ADDRESS', 'ACODE_HOST', 'RADAR_HOST', 'S3_ENDPOINT', 'TEMPORAL_UI_URL']) delete env[key];
  const job = spawnTsx(['worker/main.ts', '--rows', '3000', '--data-dir', dataDir], { cwd: ROOT, env });
  let browser: Browser | undefined;
  let connection: Connection | undefined;
  const stop = async () => {
    writeFileSync(path.join(ARTIFACTS, 'main-job.log'), job.output());
    await browser?.close().catch(() => undefined);
    await connection?.close().catch(() => undefined);
    await stopGroup(job, 20_000);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const [, address] = await job.waitFor(/Temporal dev server at (\S+)/, 240_000);
    const [, base] = await job.waitFor(/Temporal UI at (http:\/\/\S+)/, 60_000);
    // The job has applied the schedules and run today's syncs once it serves.
    await job.waitFor(/serving; Ctrl-C to stop/, 300_000);
    connection = await Connection.connect({ address });
    const client = new Client({ connection });
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.setDefaultTimeout(30_000);
    // The UI's failed API calls and console errors, for the artifacts.
    const note = (line: string) => appendFileSync(path.join(ARTIFACTS, 'browser.log'), `${new Date().toISOString()} ${line}\n`);
    page.on('response', (r) => {
      if (r.status() >= 400 && r.url().includes('/api/v1/')) {
        r.text().then((body) => note(`${r.status()} ${r.request().method()} ${r.url()} ${body.slice(0, 500)}`), () => undefined);
      }
    });
    page.on('requestfailed', (r) => note(`failed ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
    page.on('console', (m) => {
      if (m.type() === 'error') note(`console: ${m.text().slice(0, 500)}`);
    });
    return {
      url: (pathname) => `${base}${pathname}`,
      client, page, browser, job,
      screenshot: async (name) => {
        await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- main job output ---\n${job.output().slice(-4000)}`);
  }
}

/**
 * Reloads `page` until `text` shows (exactly, when a string; the UI refreshes lists on
 * navigation, not by itself), each reload waiting up to `perTryMs`; fails after `timeoutMs`.
 */
export async function reloadUntilVisible(page: Page, text: string | RegExp, timeoutMs: number, perTryMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await page.getByText(text, { exact: typeof text === 'string' }).first().waitFor({ state: 'visible', timeout: perTryMs });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await page.reload();
    }
  }
}

/** Replaces the content of the CodeMirror editor inside `scope` (the UI's payload input). */
export async function fillEditor(page: Page, scope: string, text: string): Promise<void> {
  const editor = page.locator(`${scope} .cm-content`).first();
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
  // The form takes the editor's text when it loses focus.
  await editor.blur();
}
