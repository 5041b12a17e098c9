import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { condition, defineSignal, executeChild, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';

export const finishSignal = defineSignal('finish');

/** Upserts one keyword attribute, then reports the typed attributes the workflow sees. */
export async function upsertKeyword(name: string, value: string): Promise<Record<string, unknown>> {
  upsertSearchAttributes([{ key: defineSearchAttributeKey(name, SearchAttributeType.KEYWORD), value }]);
  const key = defineSearchAttributeKey(name, SearchAttributeType.KEYWORD);
  return { [name]: workflowInfo().typedSearchAttributes.get(key) };
}

/** Waits for `finish`: a run that stays open until the test lets it go. */
export async function waitForFinish(): Promise<string> {
  let done = false;
  setHandler(finishSignal, () => void (done = true));
  await condition(() => done);
  return 'finished';
}

/** Completes at once. */
export async function quick(): Promise<string> {
  return 'quick';
}

/** Upserts `name` declared as a Keyword (the test registers it as another type). */
export async function upsertDeclaredKeyword(name: string): Promise<void> {
  upsertSearchAttributes([{ key: defineSearchAttributeKey(name, SearchAttributeType.KEYWORD), value: 'not-a-number' }]);
  await condition(() => false);
}

/** Starts `quick` as a child carrying `name` declared as a Keyword (unregistered, or registered as another type). */
export async function childWithKeyword(name: string): Promise<string> {
  return executeChild(quick, { workflowId: `${workflowInfo().workflowId}-child`, typedSearchAttributes: [{ key: defineSearchAttributeKey(name, SearchAttributeType.KEYWORD), value: 'v' }] });
}

/** Sets a keyword attribute, then unsets it (a null value), then waits for `finish`. */
export async function setThenUnset(name: string, value: string): Promise<void> {
  const key = defineSearchAttributeKey(name, SearchAttributeType.KEYWORD);
  upsertSearchAttributes([{ key, value }]);
  upsertSearchAttributes([{ key, value: null }]);
  await waitForFinish();
}
