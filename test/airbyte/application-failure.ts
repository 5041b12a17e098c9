/** The ApplicationFailure a promise rejects with; the test fails when it resolves or rejects with something else. */
import { ApplicationFailure } from '@temporalio/common';

export async function applicationFailureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}
