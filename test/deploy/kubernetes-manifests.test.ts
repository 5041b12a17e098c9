/**
 * The Kubernetes manifests: every kustomization renders and validates offline against
 * Kubernetes' schemas (deploy/validate-manifests.ts), a deliberately wrong field in a copy
 * fails, and the production render has what the service needs (drain, probes, secrets by
 * reference, scrape annotations, the schedules Job's real command).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..');
const MANIFESTS = path.join(ROOT, 'deploy', 'kubernetes');
const KUBECTL = process.env.KUBECTL || 'kubectl';

function validate(root?: string) {
  const args = [require.resolve('tsx/cli'), 'deploy/validate-manifests.ts', ...(root ? ['--root', root] : [])];
  const run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 90_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A copy of deploy/kubernetes with some files edited; each edit must change its file. */
function brokenCopy(edits: Record<string, (text: string) => string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'manifests-'));
  cpSync(MANIFESTS, dir, { recursive: true });
  for (const [file, edit] of Object.entries(edits)) {
    const target = path.join(dir, file);
    const before = readFileSync(target, 'utf8');
    const after = edit(before);
    expect(after).not.toBe(before);
    writeFileSync(target, after);
  }
  return dir;
}

type K8sObject = { kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec: any };

function renderProduction(): K8sObject[] {
  const yaml = execFileSync(KUBECTL, ['kustomize', path.join(MANIFESTS, 'overlays', 'production')], { encoding: 'utf8' });
  return parseAllDocuments(yaml).map((d) => d.toJS() as K8sObject);
}

describe('kustomize render and schema validation', () => {
  it('renders the base and the production overlay, every object valid', () => {
    const { code, stdout, stderr } = validate();
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^base: \d+ objects .*: valid$/m);
    expect(stdout).toMatch(/^overlays\/production: \d+ objects \(.*Deployment.*PodDisruptionBudget.*Job\): valid$/m);
  }, 120_000);

  describe('a copy with deliberate mistakes', () => {
    let result: ReturnType<typeof validate>;
    let dir: string;
    beforeAll(() => {
      dir = brokenCopy({
        'base/worker.yaml': (t) =>
          t
            .replace('terminationGracePeriodSeconds: 60', 'terminationGracePeriodSecond: 60')
            .replace('containerPort: 9464', 'containerPort: "9464"')
            .replace('key: radar-password }', 'key: radar-password, optinal: true }'),
        'base/alert-intake.yaml': (t) => `${t}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: inline\nstringData:\n  token: x\n`,
      });
      result = validate(dir);
    }, 120_000);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('fails', () => expect(result.code).toBe(1));

    it('names a misspelt field and where it is', () => {
      expect(result.stderr).toContain(
        'overlays/production Deployment orchestration/ingestion-worker spec.template.spec.terminationGracePeriodSecond: unknown field "terminationGracePeriodSecond"',
      );
    });

    it('names a wrongly typed value and an unknown field deep in a list, in the same object', () => {
      expect(result.stderr).toMatch(/ingestion-worker spec\.template\.spec\.containers\[0\]\.ports\[0\]\.containerPort: must be integer/);
      expect(result.stderr).toMatch(/ingestion-worker spec\.template\.spec\.containers\[0\]\.env\[\d+\]\.valueFrom\.secretKeyRef\.optinal: unknown field "optinal"/);
    });

    it('refuses a Secret defined in the manifests', () => {
      expect(result.stderr).toContain('Secret orchestration/inline: a Secret defined in the manifests');
    });
  });
});

describe('the production render', () => {
  const objects = renderProduction();
  const byKind = (kind: string, name: string) => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`no ${kind} ${name} in the production render`);
    return found;
  };
  const worker = byKind('Deployment', 'ingestion-worker');
  const workerPod = worker.spec.template.spec;
  const secretRefs = (pod: any) => pod.containers.flatMap((c: any) => (c.env ?? []).filter((e: any) => e.valueFrom?.secretKeyRef));

  it('puts every namespaced object in the orchestration namespace and defines no Secret', () => {
    for (const o of objects.filter((o) => o.kind !== 'Namespace')) expect(`${o.kind}/${o.metadata.name} ${o.metadata.namespace}`).toBe(`${o.kind}/${o.metadata.name} orchestration`);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  it('runs several workers whose grace period outlasts the worker drain', () => {
    const drainSeconds = Number(/shutdownGraceTime:\s*'(\d+)s'/.exec(readFileSync(path.join(ROOT, 'worker', 'worker.ts'), 'utf8'))?.[1]);
    expect(drainSeconds).toBeGreaterThan(0);
    expect(worker.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(workerPod.terminationGracePeriodSeconds).toBeGreaterThan(drainSeconds + 15);
    expect(workerPod.containers[0].command).toEqual(['node', 'dist/worker/main.js', '--serve']);
  });

  it('probes the worker on its metrics port and sets requests and limits', () => {
    const [container] = workerPod.containers;
    const metricsPort = container.ports.find((p: any) => p.name === 'metrics').containerPort;
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('orchestrator-config-')) as unknown as { data: Record<string, string> };
    expect(String(metricsPort)).toBe(config.data.METRICS_PORT);
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) expect(container[probe].httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(container.resources.requests).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
    expect(container.resources.limits).toEqual(expect.objectContaining({ memory: expect.any(String) }));
    expect(worker.spec.template.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(metricsPort), 'prometheus.io/path': '/metrics' });
  });

  it('keeps a worker through voluntary disruptions', () => {
    const pdb = byKind('PodDisruptionBudget', 'ingestion-worker');
    expect(pdb.spec.selector.matchLabels).toEqual(worker.spec.selector.matchLabels);
    expect(pdb.spec.maxUnavailable).toBe(1);
  });

  it('takes every secret from a Secret by reference, the passwords required', () => {
    const names = secretRefs(workerPod).map((e: any) => e.name);
    expect(names).toEqual(expect.arrayContaining(['ACODE_PASS', 'ACODE_BACKUP_PASS', 'RADAR_PASS', 'SLACK_WEBHOOK_ALERTS', 'PAGERDUTY_ROUTING_KEY', 'TEMPORAL_API_KEY']));
    for (const e of secretRefs(workerPod).filter((e: any) => e.name.endsWith('_PASS'))) expect(e.valueFrom.secretKeyRef.optional).toBeUndefined();
    const tls = workerPod.volumes.find((v: any) => v.name === 'temporal-tls');
    expect(tls.secret.secretName).toBe('orchestrator-temporal-tls');
  });

  it('serves the alert intake on a Service, its token from a Secret', () => {
    const intake = byKind('Deployment', 'alert-intake');
    const pod = intake.spec.template.spec;
    expect(pod.containers[0].command).toEqual(['node', 'dist/client/cli.js', 'serve-alerts', '--port', '8080', '--host', '0.0.0.0']);
    expect(secretRefs(pod).find((e: any) => e.name === 'ALERT_INTAKE_TOKEN').valueFrom.secretKeyRef).toEqual({ name: 'orchestrator-alert-intake', key: 'token' });
    const service = byKind('Service', 'alert-intake');
    expect(service.spec.selector).toEqual(intake.spec.selector.matchLabels);
    expect(service.spec.ports[0]).toEqual(expect.objectContaining({ port: 8080, targetPort: 'http' }));
  });

  it('applies the schedules with the compiled CLI that the image build produces', () => {
    const job = byKind('Job', 'schedules-apply');
    expect(job.spec.template.spec.containers[0].command.slice(0, 4)).toEqual(['node', 'dist/client/cli.js', 'schedules', 'apply']);
    // `npm run build` compiles client/ into dist/client/ (tsconfig.build.json, outDir dist, rootDir .).
    const build = JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8'));
    const base = JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8'));
    expect(build.include).toEqual(expect.arrayContaining(['client', 'worker']));
    expect([base.compilerOptions.outDir, base.compilerOptions.rootDir]).toEqual(['dist', '.']);
    expect(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).toContain('"build": "tsc -p tsconfig.build.json');
  });
});
