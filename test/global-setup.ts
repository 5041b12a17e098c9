/** Once before the suite: the local test server bundled, so each test file's server starts fast. */
import { buildTestServerBundle } from '../local/temporal/test-server-bundle';

export default async function globalSetup(): Promise<void> {
  await buildTestServerBundle();
}
