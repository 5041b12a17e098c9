import { invalidArgument } from './errors';
import { encodePlain, lookupType, type temporal } from './proto';
import {
  CUSTOM_CAPACITY, PREDEFINED_SEARCH_ATTRIBUTES, SETTABLE_PREDEFINED, SYSTEM_SEARCH_ATTRIBUTES,
  isMappableName, isReservedName, parseTypeName, typeName, type SearchAttributeTypeSpec,
} from './search-attribute-types';
import { decodePayload, invalidValueMessage, isValidValue } from './search-attribute-values';

type SearchAttributes = temporal.api.common.v1.ISearchAttributes;

/** Limits of Temporal's dynamic config defaults (frontend.searchAttributes*Limit). */
const MAX_KEYS = 100;
const MAX_VALUE_BYTES = 2 * 1024;
const MAX_TOTAL_BYTES = 40 * 1024;

/** Why a set of search attributes is refused: before `unalias` (a name the namespace does not map) or in the validator proper. */
export interface SearchAttributeProblem {
  stage: 'unalias' | 'validate';
  message: string;
}

/** Initial registrations: `{ Name: 'Keyword' }` or the SDK's `[{ name, type: 'KEYWORD' }]`. */
export type SearchAttributeDefinitions = Record<string, SearchAttributeTypeSpec> | { name: string; type: SearchAttributeTypeSpec }[];

export function definitionsToTypes(defs: SearchAttributeDefinitions | undefined): Record<string, number> {
  const entries: [string, SearchAttributeTypeSpec][] = Array.isArray(defs) ? defs.map((d) => [d.name, d.type]) : Object.entries(defs ?? {});
  const out: Record<string, number> = {};
  for (const [name, spec] of entries) {
    const type = parseTypeName(spec);
    if (type === undefined) throw new Error(`invalid search attribute value type "${String(spec)}" for ${name}`);
    out[name] = type;
  }
  return out;
}

/**
 * The custom search attributes of one namespace, typed, with what Temporal's server does with
 * them: the OperatorService calls (as on SQL visibility, the dev server's store: a name maps to
 * one of a fixed number of columns per type) and the checks of common/searchattribute (names
 * the namespace does not map, system attributes, values of the wrong type, size limits).
 */
export class SearchAttributeRegistry {
  private readonly custom = new Map<string, number>();

  constructor(readonly namespace: string, initial?: SearchAttributeDefinitions) {
    if (initial) this.add(definitionsToTypes(initial));
  }

  /** OperatorService AddSearchAttributes: all or nothing; a name already mapped is left as it is. */
  add(attributes: Record<string, number>): void {
    this.checkAddRequest(attributes);
    const names = Object.keys(attributes);
    const added = new Map<string, number>();
    for (const name of names) {
      if (this.custom.has(name)) continue;
      const type = Number(attributes[name]);
      const used = [...this.custom.values(), ...added.values()].filter((t) => t === type).length;
      const capacity = CUSTOM_CAPACITY[type] ?? 0;
      if (used >= capacity) {
        throw invalidArgument(`Unable to create search attributes: cannot have more than ${used} search attribute of type ${typeName(type)}.`);
      }
      added.set(name, type);
    }
    for (const [name, type] of added) this.custom.set(name, type);
  }

  /** The checks AddSearchAttributes makes of the request itself, before it looks at the namespace. */
  checkAddRequest(attributes: Record<string, number>): void {
    const names = Object.keys(attributes);
    if (names.length === 0) throw invalidArgument('SearchAttributes are not set on request.');
    for (const name of names) {
      if (isReservedName(name)) throw invalidArgument(`Search attribute ${name} is reserved by system.`);
      const type = Number(attributes[name]);
      if (!(type in CUSTOM_CAPACITY) && type !== 0) throw invalidArgument(`Unknown search attribute type: ${type}.`);
    }
  }

  /** OperatorService RemoveSearchAttributes: unknown names are skipped, system ones refused. */
  remove(names: string[]): void {
    if (names.length === 0) throw invalidArgument('SearchAttributes are not set on request.');
    for (const name of names) {
      if (!this.custom.has(name) && !isMappableName(name)) throw invalidArgument(`Unable to remove non-custom search attributes: ${name}.`);
    }
    for (const name of names) this.custom.delete(name);
  }

  customAttributes(): Record<string, number> {
    return Object.fromEntries(this.custom);
  }

  /** What ListSearchAttributes calls system attributes: the system ones and the predefined ones. */
  systemAttributes(): Record<string, number> {
    return { ...SYSTEM_SEARCH_ATTRIBUTES, ...PREDEFINED_SEARCH_ATTRIBUTES };
  }

  /** The type a list query gives a column name: custom first, then system/predefined, with or without the `Temporal` prefix. */
  queryType(name: string): number | undefined {
    if (isMappableName(name) && this.custom.has(name)) return this.custom.get(name);
    const all = this.systemAttributes();
    if (name in all) return all[name];
    const flipped = name.startsWith('Temporal') ? name.slice('Temporal'.length) : `Temporal${name}`;
    return all[flipped];
  }

  /** The first reason Temporal would refuse these search attributes on a write, if any. */
  problem(sa: SearchAttributes | null | undefined): SearchAttributeProblem | undefined {
    const fields = sa?.indexedFields ?? {};
    const names = Object.keys(fields);
    if (names.length === 0) return undefined;
    for (const name of names) {
      if (isMappableName(name) && !this.custom.has(name)) {
        return { stage: 'unalias', message: `Namespace ${this.namespace} has no mapping defined for search attribute ${name}` };
      }
    }
    const fail = (message: string): SearchAttributeProblem => ({ stage: 'validate', message });
    if (names.length > MAX_KEYS) return fail(`number of search attributes ${names.length} exceeds limit ${MAX_KEYS}`);
    for (const name of names) {
      if (name in SYSTEM_SEARCH_ATTRIBUTES) return fail(`${name} attribute can't be set in SearchAttributes`);
      if (name in PREDEFINED_SEARCH_ATTRIBUTES && !(name in SETTABLE_PREDEFINED)) return fail(`${name} attribute can't be set in SearchAttributes`);
      const type = this.custom.get(name) ?? PREDEFINED_SEARCH_ATTRIBUTES[name];
      if (!isValidValue(type, decodePayload(fields[name]))) return fail(invalidValueMessage(name, type, fields[name]));
    }
    for (const name of names) {
      const size = fields[name]?.data?.length ?? 0;
      if (size > MAX_VALUE_BYTES) return fail(`search attribute ${name} value size ${size} exceeds size limit ${MAX_VALUE_BYTES}`);
    }
    const total = encodePlain(lookupType('.temporal.api.common.v1.SearchAttributes'), sa as object).length;
    if (total > MAX_TOTAL_BYTES) return fail(`total size of search attributes ${total} exceeds size limit ${MAX_TOTAL_BYTES}`);
    return undefined;
  }

  /** The frontend's check of a start (or schedule) request: INVALID_ARGUMENT with Temporal's message. */
  check(sa: SearchAttributes | null | undefined): void {
    const problem = this.problem(sa);
    if (problem) throw invalidArgument(problem.message);
  }
}
