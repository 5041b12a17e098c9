/** The error a promise rejects with, or undefined when it resolves: for asserting how a workflow failed. */
export function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}
