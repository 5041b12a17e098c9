/**
 * The workflow bundle of the fast tests, built once and reused by every test file
 * (and every later run) while none of its sources changed: the cache in the OS temp
 * folder lists each file webpack put in the bundle (from its source map) with a
 * hash of its content, and any difference rebuilds it. A workflow edit, a new
 * import (it changes the importing file) or an SDK upgrade all rebuild.
 */
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';

interface CacheEntry {
  workflowsPath: string;
  sources: Record<string, string>;
  code: string;
}

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

const sha1 = (text: Buffer | string) => createHash('sha1').update(text).digest('hex');

async function hashOf(file: string): Promise<string | undefined> {
  try {
    return sha1(await readFile(file));
  } catch {
    return undefined;
  }
}

/** The files of the bundle that exist on disk (webpack's runtime and the generated entry point do not), with their hashes. */
async function sourcesOf(code: string): Promise<Record<string, string>> {
  const match = /sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/.exec(code);
  if (!match) throw new Error('workflow bundle without an inline source map: cannot tell its sources');
  const { sources } = JSON.parse(Buffer.from(match[1], 'base64').toString('utf8')) as { sources: string[] };
  const hashed: Record<string, string> = {};
  for (const source of sources) {
    const hash = path.isAbsolute(source) ? await hashOf(source) : undefined;
    if (hash) hashed[source] = hash;
  }
  return hashed;
}

async function stillValid(entry: CacheEntry, workflowsPath: string): Promise<boolean> {
  if (entry.workflowsPath !== workflowsPath || Object.keys(entry.sources).length === 0) return false;
  for (const [file, hash] of Object.entries(entry.sources)) {
    if ((await hashOf(file)) !== hash) return false;
  }
  return true;
}

export async function cachedWorkflowBundle(workflowsPath: string): Promise<WorkflowBundle> {
  const cacheFile = path.join(os.tmpdir(), `workflow-bundle-${sha1(workflowsPath).slice(0, 12)}.json`);
  try {
    const entry = JSON.parse(await readFile(cacheFile, 'utf8')) as CacheEntry;
    if (await stillValid(entry, workflowsPath)) return { code: entry.code };
  } catch {
    // No cache yet, or one being written: build.
  }
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: quiet });
  const entry: CacheEntry = { workflowsPath, sources: await sourcesOf(code), code };
  const partial = `${cacheFile}.${process.pid}.tmp`;
  await writeFile(partial, JSON.stringify(entry));
  await rename(partial, cacheFile);
  return { code };
}
