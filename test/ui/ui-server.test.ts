import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalTemporal, type LocalTemporal } from '../../local/temporal/server';
import { startUiServer, type UiServer } from '../../local/ui/server';
import { uiSourceHash } from '../../local/ui/build';

/** The UI's server: its own settings, the build's files with the app's fallback, /api/v1 in-process without the shorthand. */
let service: LocalTemporal;
let ui: UiServer;
let noBuild: UiServer;
const dir = mkdtempSync(path.join(tmpdir(), 'ui-build-'));

beforeAll(async () => {
  mkdirSync(path.join(dir, '_app'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(path.join(dir, '_app', 'start.js'), 'export {}');
  service = await startLocalTemporal({ port: 0 });
  const common = { api: service.httpApi, namespace: 'default', host: '127.0.0.1', port: 0 };
  ui = await startUiServer({ ...common, buildDir: () => dir, missingReason: () => '' });
  noBuild = await startUiServer({ ...common, buildDir: () => undefined, missingReason: () => 'the UI has not been built' });
});
afterAll(async () => {
  await ui?.close();
  await noBuild?.close();
  await service?.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

test('GET /api/v1/settings answers the PascalCase settings of temporalio/ui’s server, Version 2.23 or later', async () => {
  const settings = (await (await fetch(`${ui.url}/api/v1/settings`)).json()) as Record<string, unknown>;
  expect(settings).toMatchObject({ Auth: { Enabled: false }, DefaultNamespace: 'default', DisableWriteActions: false, StartWorkflowDisabled: false, WorkflowUpdateDisabled: false });
  const [major, minor] = String(settings.Version).split('.').map(Number);
  expect(major > 2 || (major === 2 && minor >= 23)).toBe(true);
});

test('files of the build, index.html for the app’s routes, nothing outside the build', async () => {
  const js = await fetch(`${ui.url}/_app/start.js`);
  expect(js.headers.get('content-type')).toBe('text/javascript');
  const route = await fetch(`${ui.url}/namespaces/default/workflows`);
  expect(route.status).toBe(200);
  expect(await route.text()).toContain('<title>app</title>');
  expect(await (await fetch(`${ui.url}/..%2f..%2fetc%2fpasswd`)).text()).toContain('<title>app</title>');
});

test('/api/v1 calls reach the local service, payloads in full form as the UI reads them', async () => {
  const started = await fetch(`${ui.url}/api/v1/namespaces/default/workflows/ui-server-test`, {
    method: 'POST',
    body: JSON.stringify({ workflowType: { name: 'x' }, taskQueue: { name: 'q' }, input: { payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: 'eyJhIjoxfQ==' }] } }),
  });
  expect(started.status).toBe(200);
  const history = (await (await fetch(`${ui.url}/api/v1/namespaces/default/workflows/ui-server-test/history`)).json()) as any;
  expect(history.history.events[0].workflowExecutionStartedEventAttributes.input).toEqual({ payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: 'eyJhIjoxfQ==' }] });
});

test('without a build every page says why there is no UI', async () => {
  const res = await fetch(`${noBuild.url}/namespaces/default/workflows`);
  expect(res.status).toBe(503);
  expect(await res.text()).toContain('the UI has not been built');
});

test('the build is keyed by the UI’s sources and lockfile', () => {
  const uiDir = mkdtempSync(path.join(tmpdir(), 'ui-src-'));
  writeFileSync(path.join(uiDir, 'package-lock.json'), '{}');
  mkdirSync(path.join(uiDir, 'src'));
  writeFileSync(path.join(uiDir, 'src', 'app.html'), 'a');
  const first = uiSourceHash(uiDir);
  writeFileSync(path.join(uiDir, 'src', 'app.html'), 'b');
  expect(uiSourceHash(uiDir)).not.toBe(first);
  rmSync(uiDir, { recursive: true, force: true });
});
