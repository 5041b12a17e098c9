/**
 * Where the worker and the operator's side find Temporal, read once through
 * Temporal's own loader (@temporalio/envconfig): TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_* (client cert/key, server
 * CA, server name), TEMPORAL_GRPC_META_*, and profiles of a config file
 * (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE). The task queue is the service's own
 * (TEMPORAL_TASK_QUEUE). The API key and keys stay in these options, which are
 * never logged nor passed to workflows.
 */
import { accessSync, constants } from 'node:fs';
import { loadClientConnectConfig, type ClientConnectConfig } from '@temporalio/envconfig';

export interface TemporalSettings {
  /** `host:port` of the frontend; `localhost:7233` when nothing says otherwise. */
  address: string;
  /** Whether an address was configured (else the main job starts its embedded service). */
  addressConfigured: boolean;
  namespace: string;
  taskQueue: string;
  /** For Connection.connect / NativeConnection.connect: address, TLS, API key, gRPC metadata. */
  connection: ClientConnectConfig['connectionOptions'] & { address: string };
}

const ADDRESS_RE = /^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/;
const DEFAULT_ADDRESS = 'localhost:7233';

const TLS_FILES = ['TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CLIENT_KEY_PATH', 'TEMPORAL_TLS_SERVER_CA_CERT_PATH'];

/** Reads the settings from `env` (empty variables count as unset); a bad value throws one line naming it. */
export function loadTemporalSettings(env: Record<string, string>, taskQueue: string): TemporalSettings {
  if (Boolean(env.TEMPORAL_TLS_CLIENT_CERT_PATH) !== Boolean(env.TEMPORAL_TLS_CLIENT_KEY_PATH)) {
    throw new Error('invalid configuration: TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH must be set together');
  }
  for (const name of TLS_FILES) {
    if (!env[name]) continue;
    try {
      accessSync(env[name], constants.R_OK);
    } catch (err) {
      throw new Error(`invalid configuration: ${name}: cannot read ${env[name]} (${(err as NodeJS.ErrnoException).code ?? err})`);
    }
  }
  let loaded: ClientConnectConfig;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars: env });
  } catch (err) {
    throw new Error(`invalid configuration: Temporal client settings: ${(err as Error).message.split('\n')[0]}`);
  }
  const given = loaded.connectionOptions.address?.trim();
  const address = given || DEFAULT_ADDRESS;
  if (!ADDRESS_RE.test(address)) throw new Error(`invalid configuration: TEMPORAL_ADDRESS: expected host:port, got ${JSON.stringify(address)}`);
  return {
    address,
    addressConfigured: Boolean(given),
    namespace: loaded.namespace?.trim() || 'default',
    taskQueue,
    connection: { ...loaded.connectionOptions, address },
  };
}
