import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The UI's static build, made once and reused: ui/build carries the hash of what it was built
 * from (ui/package.json, its lockfile, the configs and src/), and is rebuilt only when that
 * changed. A build goes to a fresh directory that replaces ui/build when complete, so a server
 * never hands out half a build.
 */
export const UI_DIR = path.resolve(__dirname, '../../ui');
const BUILD_DIR = path.join(UI_DIR, 'build');
const STAMP = '.source-hash';
const INPUTS = ['package.json', 'package-lock.json', 'svelte.config.js', 'vite.config.js', 'tailwind.config.js', 'postcss.config.cjs', 'src'];

function filesUnder(target: string): string[] {
  if (!existsSync(target)) return [];
  if (!statSync(target).isDirectory()) return [target];
  return readdirSync(target).sort().flatMap((name) => filesUnder(path.join(target, name)));
}

/** The hash of the UI's sources and lockfile, as the build stamp records it. */
export function uiSourceHash(uiDir = UI_DIR): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((input) => filesUnder(path.join(uiDir, input)))) {
    hash.update(path.relative(uiDir, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

export type UiBuildState =
  | { kind: 'ready'; dir: string }
  | { kind: 'building'; reason: string }
  | { kind: 'buildable'; reason: string }
  | { kind: 'unavailable'; reason: string };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A build another process is making now (its `.build-<pid>-<time>` directory, the pid alive). */
function buildInProgress(uiDir: string): boolean {
  return readdirSync(uiDir).some((name) => {
    const m = /^\.build-(\d+)-\d+$/.exec(name);
    return m !== null && Number(m[1]) !== process.pid && alive(Number(m[1]));
  });
}

export function uiBuildState(uiDir = UI_DIR): UiBuildState {
  const buildDir = path.join(uiDir, 'build');
  const stamp = path.join(buildDir, STAMP);
  const current = uiSourceHash(uiDir);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === current && existsSync(path.join(buildDir, 'index.html'))) {
    return { kind: 'ready', dir: buildDir };
  }
  if (buildInProgress(uiDir)) return { kind: 'building', reason: 'another process is building it now (npm run ui:build)' };
  const why = existsSync(stamp) ? 'the UI sources changed since ui/build was made' : 'the UI has not been built (ui/build is missing)';
  if (!existsSync(path.join(uiDir, 'node_modules', 'vite', 'bin', 'vite.js'))) {
    return { kind: 'unavailable', reason: `${why}, and its dependencies are not installed: run \`npm ci --prefix ui && npm run ui:build\` (./quickstart.sh installs them)` };
  }
  return { kind: 'buildable', reason: why };
}

export interface UiBuild {
  /** Resolves when ui/build is ready; rejects with the build's last lines when it failed. */
  done: Promise<void>;
  /** Stops the build (its whole process group). */
  stop(): void;
}

/** Builds the UI (vite build, about 2 minutes on 2 cores) in its own process group. */
export function buildUi(uiDir = UI_DIR): UiBuild {
  const hash = uiSourceHash(uiDir);
  const outDir = path.join(uiDir, `.build-${process.pid}-${Date.now()}`);
  mkdirSync(outDir); // at once: another process starting now sees the build under way
  const child: ChildProcess = spawn(process.execPath, [path.join(uiDir, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
    cwd: uiDir,
    env: { ...process.env, UI_BUILD_DIR: outDir, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code !== 0 || !existsSync(path.join(outDir, 'index.html'))) {
        rmSync(outDir, { recursive: true, force: true });
        reject(new Error(`the UI build failed (${signal ?? `exit ${code}`}): ${output.trim().split('\n').slice(-5).join(' | ')}`));
        return;
      }
      writeFileSync(path.join(outDir, STAMP), `${hash}\n`);
      const buildDir = path.join(uiDir, 'build');
      rmSync(buildDir, { recursive: true, force: true });
      renameSync(outDir, buildDir);
      resolve();
    });
  });
  return {
    done,
    stop: () => {
      if (child.exitCode === null && child.pid) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
    },
  };
}

export { BUILD_DIR };
