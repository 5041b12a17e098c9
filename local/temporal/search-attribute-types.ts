import { enums } from './proto';

/**
 * The names and types Temporal's server knows before anyone registers anything, as in
 * temporalio/temporal common/searchattribute/sadefs/constants.go: system attributes (stored as
 * separate fields, never settable), predefined ones (kept with the custom ones; only the
 * white-listed subset may be set by users), and names reserved for the server.
 */
export const IVT = enums.IndexedValueType;

export const SYSTEM_SEARCH_ATTRIBUTES: Readonly<Record<string, number>> = {
  WorkflowId: IVT.INDEXED_VALUE_TYPE_KEYWORD,
  RunId: IVT.INDEXED_VALUE_TYPE_KEYWORD,
  WorkflowType: IVT.INDEXED_VALUE_TYPE_KEYWORD,
  StartTime: IVT.INDEXED_VALUE_TYPE_DATETIME,
  ExecutionTime: IVT.INDEXED_VALUE_TYPE_DATETIME,
  CloseTime: IVT.INDEXED_VALUE_TYPE_DATETIME,
  ExecutionStatus: IVT.INDEXED_VALUE_TYPE_KEYWORD,
  TaskQueue: IVT.INDEXED_VALUE_TYPE_KEYWORD,
  HistoryLength: IVT.INDEXED_VALUE_TYPE_INT,
  ExecutionDuration: IVT.INDEXED_VALUE_TYPE_INT,
  StateTransitionCount: IVT.INDEXED_VALUE_TYPE_INT,
  HistorySizeBytes: IVT.INDEXED_VALUE_TYPE_INT,
  ParentWorkflowId: IVT.INDEXED_VALUE_TYPE_KEYWORD,
  ParentRunId: IVT.INDEXED_VALUE_TYPE_KEYWORD,
  RootWorkflowId: IVT.INDEXED_VALUE_TYPE_KEYWORD,
  RootRunId: IVT.INDEXED_VALUE_TYPE_KEYWORD,
};

/** Predefined attributes users may set (sadefs predefinedWhiteList). */
export const SETTABLE_PREDEFINED: Readonly<Record<string, number>> = {
  TemporalChangeVersion: IVT.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  BinaryChecksums: IVT.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  BuildIds: IVT.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  BatcherNamespace: IVT.INDEXED_VALUE_TYPE_KEYWORD,
  BatcherUser: IVT.INDEXED_VALUE_TYPE_KEYWORD,
  TemporalScheduledStartTime: IVT.INDEXED_VALUE_TYPE_DATETIME,
  TemporalScheduledById: IVT.INDEXED_VALUE_TYPE_KEYWORD,
  TemporalSchedulePaused: IVT.INDEXED_VALUE_TYPE_BOOL,
  TemporalNamespaceDivision: IVT.INDEXED_VALUE_TYPE_KEYWORD,
  TemporalPauseInfo: IVT.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  TemporalReportedProblems: IVT.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** Every predefined attribute (sadefs predefined). */
export const PREDEFINED_SEARCH_ATTRIBUTES: Readonly<Record<string, number>> = {
  ...SETTABLE_PREDEFINED,
  TemporalWorkerDeploymentVersion: IVT.INDEXED_VALUE_TYPE_KEYWORD,
  TemporalWorkflowVersioningBehavior: IVT.INDEXED_VALUE_TYPE_KEYWORD,
  TemporalWorkerDeployment: IVT.INDEXED_VALUE_TYPE_KEYWORD,
  TemporalUsedWorkerDeploymentVersions: IVT.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  TemporalExternalPayloadCount: IVT.INDEXED_VALUE_TYPE_INT,
  TemporalExternalPayloadSizeBytes: IVT.INDEXED_VALUE_TYPE_INT,
};

const RESERVED_FIELDS = new Set(['NamespaceId', 'MemoEncoding', 'Memo', 'VisibilityTaskKey']);

/** sadefs.IsReserved: a name AddSearchAttributes refuses. */
export function isReservedName(name: string): boolean {
  return name in SYSTEM_SEARCH_ATTRIBUTES || name in PREDEFINED_SEARCH_ATTRIBUTES || RESERVED_FIELDS.has(name) || name.startsWith('Temporal');
}

/** sadefs.IsMappable: a name that can only be a custom (namespace-registered) attribute. */
export function isMappableName(name: string): boolean {
  return !(name in SYSTEM_SEARCH_ATTRIBUTES) && !(name in PREDEFINED_SEARCH_ATTRIBUTES);
}

/**
 * How many custom attributes of each type a SQL visibility store (the dev server's SQLite
 * included) can hold: its pre-allocated columns (sadefs defaultNumDBCustomSearchAttributes).
 */
export const CUSTOM_CAPACITY: Readonly<Record<number, number>> = {
  [IVT.INDEXED_VALUE_TYPE_BOOL]: 3,
  [IVT.INDEXED_VALUE_TYPE_INT]: 3,
  [IVT.INDEXED_VALUE_TYPE_DOUBLE]: 3,
  [IVT.INDEXED_VALUE_TYPE_DATETIME]: 3,
  [IVT.INDEXED_VALUE_TYPE_KEYWORD]: 10,
  [IVT.INDEXED_VALUE_TYPE_KEYWORD_LIST]: 3,
  [IVT.INDEXED_VALUE_TYPE_TEXT]: 3,
};

const SHORT_NAMES: Record<number, string> = {
  [IVT.INDEXED_VALUE_TYPE_UNSPECIFIED]: 'Unspecified',
  [IVT.INDEXED_VALUE_TYPE_TEXT]: 'Text',
  [IVT.INDEXED_VALUE_TYPE_KEYWORD]: 'Keyword',
  [IVT.INDEXED_VALUE_TYPE_INT]: 'Int',
  [IVT.INDEXED_VALUE_TYPE_DOUBLE]: 'Double',
  [IVT.INDEXED_VALUE_TYPE_BOOL]: 'Bool',
  [IVT.INDEXED_VALUE_TYPE_DATETIME]: 'Datetime',
  [IVT.INDEXED_VALUE_TYPE_KEYWORD_LIST]: 'KeywordList',
};

/** The name Temporal's Go enums print (`Keyword`, `KeywordList`...): what its messages say. */
export function typeName(type: number): string {
  return SHORT_NAMES[type] ?? String(type);
}

/** A type as callers spell it: the enum number, `Keyword` / `keywordlist` (the CLI's shorthand), `KEYWORD_LIST` (the SDK's), `INDEXED_VALUE_TYPE_INT`. */
export type SearchAttributeTypeSpec = number | string;

/** The enum value of a type spelled any of the ways above; undefined when it names no type. */
export function parseTypeName(spec: SearchAttributeTypeSpec): number | undefined {
  if (typeof spec === 'number') return spec in SHORT_NAMES && spec !== IVT.INDEXED_VALUE_TYPE_UNSPECIFIED ? spec : undefined;
  const wanted = spec.replace(/^INDEXED_VALUE_TYPE_/i, '').replace(/_/g, '').toLowerCase();
  const hit = Object.entries(SHORT_NAMES).find(([, short]) => short.toLowerCase() === wanted);
  const type = hit ? Number(hit[0]) : undefined;
  return type === IVT.INDEXED_VALUE_TYPE_UNSPECIFIED ? undefined : type;
}
