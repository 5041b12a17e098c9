/**
 * Validation of rendered Kubernetes objects against Kubernetes' API schemas, offline, with the
 * models of the `kubernetes-models` package (generated from Kubernetes' OpenAPI document):
 *
 *  1. the models' JSON-schema validators (ajv): types, required fields, formats, enums;
 *  2. the TypeScript checker against the models' type declarations, which is what catches an
 *     unknown or misspelt field at any depth: the OpenAPI schemas allow extra properties (the
 *     API server drops them, or refuses them under strict field validation), the checker's
 *     excess-property check does not.
 *
 * A Secret is refused outright: secrets are referenced by name, never defined in manifests.
 */
import path from 'node:path';
import ts from 'typescript';

export interface RenderedObject {
  /** Which kustomization rendered it (e.g. `overlays/production`). */
  render: string;
  object: Record<string, unknown>;
}

export interface Problem {
  render: string;
  /** `Kind namespace/name`. */
  object: string;
  /** Dotted path of the field, `` for the object itself. */
  field: string;
  message: string;
}

interface ModelClass {
  new (data: unknown): { validate(): void };
}

function describe(object: Record<string, unknown>): string {
  const meta = (object.metadata ?? {}) as { name?: string; namespace?: string };
  const name = meta.namespace ? `${meta.namespace}/${meta.name}` : String(meta.name);
  return `${String(object.kind)} ${name}`;
}

/** `kubernetes-models/<apiVersion>/<Kind>`: `v1`, `apps/v1`, `policy/v1`, `batch/v1`, … */
function modelModule(object: Record<string, unknown>): string | undefined {
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  if (!/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return undefined;
  return `kubernetes-models/${apiVersion}/${kind}`;
}

async function loadModel(specifier: string, kind: string): Promise<ModelClass | undefined> {
  try {
    const mod = (await import(specifier)) as Record<string, unknown>;
    return (mod[kind] ?? (mod.default as Record<string, unknown> | undefined)?.[kind]) as ModelClass | undefined;
  } catch {
    return undefined;
  }
}

/** Schema check (1) of every object; returns the objects that have a model, for check (2). */
async function checkSchemas(objects: RenderedObject[], problems: Problem[]): Promise<Array<RenderedObject & { module: string }>> {
  const modelled: Array<RenderedObject & { module: string }> = [];
  for (const item of objects) {
    const { object, render } = item;
    const where = { render, object: describe(object) };
    if (object.kind === 'Secret') {
      problems.push({ ...where, field: '', message: 'a Secret defined in the manifests: reference secrets by name (secretKeyRef, secret volumes) instead' });
      continue;
    }
    const specifier = modelModule(object);
    const Model = specifier ? await loadModel(specifier, String(object.kind)) : undefined;
    if (!specifier || !Model) {
      problems.push({ ...where, field: '', message: `no Kubernetes schema for apiVersion ${JSON.stringify(object.apiVersion)} kind ${JSON.stringify(object.kind)}` });
      continue;
    }
    try {
      new Model(object).validate();
    } catch (err) {
      for (const part of (err as Error).message.split(/, (?=data[/ ])/)) {
        const match = /^data(\S*) (.*)$/.exec(part);
        problems.push({ ...where, field: match ? match[1].slice(1).replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.') : '', message: match ? match[2] : part });
      }
    }
    modelled.push({ ...item, module: specifier });
  }
  return modelled;
}

/** The dotted path of the property or element a diagnostic points at, from its object literal. */
function fieldPath(node: ts.Node): string {
  const parts: string[] = [];
  for (let n: ts.Node = node; n.parent && !ts.isVariableDeclaration(n); n = n.parent) {
    if (ts.isPropertyAssignment(n)) {
      parts.unshift(ts.isStringLiteral(n.name) || ts.isIdentifier(n.name) ? n.name.text : n.name.getText());
    } else if (ts.isArrayLiteralExpression(n.parent)) {
      parts.unshift(`[${n.parent.elements.indexOf(n as ts.Expression)}]`);
    }
  }
  return parts.join('.').replace(/\.\[/g, '[');
}

function nodeAt(file: ts.SourceFile, position: number): ts.Node {
  let found: ts.Node = file;
  const visit = (node: ts.Node): void => {
    if (position >= node.getStart(file) && position < node.getEnd()) {
      found = node;
      ts.forEachChild(node, visit);
    }
  };
  ts.forEachChild(file, visit);
  return found;
}

/** Stands for a value of any type in the next round's source: the field's own problem is reported. */
const ANY = '__any_value_already_reported__';

/**
 * For the next round: drops an unknown field, or turns a wrongly typed value into ANY (so a
 * required field stays present). False when the path does not lead to a field.
 */
function settleField(root: unknown, field: string, unknown: boolean): boolean {
  const keys = field.split(/\.|(?=\[)/).filter(Boolean).map((k) => (/^\[\d+\]$/.test(k) ? Number(k.slice(1, -1)) : k));
  let node = root as Record<string | number, unknown>;
  for (const key of keys.slice(0, -1)) {
    node = node?.[key] as Record<string | number, unknown>;
    if (node === null || typeof node !== 'object') return false;
  }
  const last = keys[keys.length - 1];
  if (last === undefined || !(last in node) || node[last] === ANY) return false;
  if (unknown) delete node[last];
  else node[last] = ANY;
  return true;
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  types: [],
  lib: ['lib.es2022.d.ts'],
};
/** The checker reports one error per object literal; each round settles what it reported and checks again. */
const MAX_ROUNDS = 30;

/** Check (2): every object as a literal of its model's type, type-checked in memory. */
function checkFields(objects: Array<RenderedObject & { module: string }>, problems: Problem[], repoRoot: string): void {
  const fileName = path.join(repoRoot, 'deploy', '__rendered_manifests__.ts');
  const host = ts.createCompilerHost(COMPILER_OPTIONS);
  let source: ts.SourceFile | undefined;
  // Declarations are parsed once for all rounds; only the rendered objects' file changes.
  const parsed = new Map<string, ts.SourceFile | undefined>();
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, ...rest) => {
    if (path.resolve(name) === fileName) return source;
    if (!parsed.has(name)) parsed.set(name, getSourceFile(name, ...rest));
    return parsed.get(name);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => path.resolve(name) === fileName || fileExists(name);
  let program: ts.Program | undefined;
  let pending = objects.map((item) => ({ item, copy: structuredClone(item.object) }));
  for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
    const imports = pending.map(({ item }, i) => `import type { I${String(item.object.kind)} as T${i} } from ${JSON.stringify(item.module)};`);
    const declarations = pending.map(({ copy }, i) => `export const o${i}: T${i} = ${JSON.stringify(copy, null, 1).replaceAll(JSON.stringify(ANY), '(null as any)')};`);
    source = ts.createSourceFile(fileName, `${imports.join('\n')}\n${declarations.join('\n')}\n`, ts.ScriptTarget.ES2022, true);
    program = ts.createProgram([fileName], COMPILER_OPTIONS, host, program);
    const statements = source.statements.filter(ts.isVariableStatement);
    const next = new Set<(typeof pending)[number]>();
    for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ').replace(/\s+/g, ' ');
      const index = diagnostic.file === source && diagnostic.start !== undefined
        ? statements.findIndex((s) => diagnostic.start! >= s.getStart(source) && diagnostic.start! < s.getEnd())
        : -1;
      const entry = pending[index];
      if (!entry) {
        problems.push({ render: '', object: '', field: '', message: `type check: ${message}` });
        continue;
      }
      const field = fieldPath(nodeAt(source, diagnostic.start!));
      const unknown = /Object literal may only specify known properties, and '"?([^'"]+)"?' does not exist in type '([^']+)'/.exec(message);
      problems.push({
        render: entry.item.render,
        object: describe(entry.item.object),
        field,
        message: unknown ? `unknown field "${unknown[1]}" (not in ${unknown[2].replace(/^IIoK8sApi/, '')})` : message.slice(0, 400),
      });
      if (settleField(entry.copy, field, Boolean(unknown))) next.add(entry);
    }
    pending = [...next];
  }
}

/** Every problem of every object; an empty list when all are valid. */
export async function validateObjects(objects: RenderedObject[], repoRoot: string): Promise<Problem[]> {
  const problems: Problem[] = [];
  const modelled = await checkSchemas(objects, problems);
  checkFields(modelled, problems, repoRoot);
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.render}\0${p.object}\0${p.field}`;
    if (p.field && seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function formatProblem(p: Problem): string {
  return [p.render, p.object, p.field].filter(Boolean).join(' ') + `: ${p.message}`;
}
