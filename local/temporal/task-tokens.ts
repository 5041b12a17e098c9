import { invalidArgument } from './errors';

export interface WorkflowTaskToken {
  k: 'workflow';
  ns: string;
  wid: string;
  rid: string;
  sid: number;
  att: number;
}

export interface ActivityTaskToken {
  k: 'activity';
  ns: string;
  wid: string;
  rid: string;
  sid: number;
  att: number;
}

export interface QueryTaskToken {
  k: 'query';
  qid: string;
}

export type TaskToken = WorkflowTaskToken | ActivityTaskToken | QueryTaskToken;

/** Reads a task token this service issued; anything else is a clear INVALID_ARGUMENT. */
export function parseTaskToken<K extends TaskToken['k']>(raw: Uint8Array | null | undefined, kind: K, method: string): Extract<TaskToken, { k: K }> {
  let token: TaskToken | undefined;
  try {
    token = raw && raw.length > 0 ? (JSON.parse(Buffer.from(raw).toString('utf8')) as TaskToken) : undefined;
  } catch {
    token = undefined;
  }
  if (!token || token.k !== kind) throw invalidArgument(`${method}: taskToken was not issued by this service for ${kind === "activity" ? "an" : "a"} ${kind} task`);
  return token as Extract<TaskToken, { k: K }>;
}
