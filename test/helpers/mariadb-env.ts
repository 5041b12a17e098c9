/**
 * A started MariaDB primary + replica with ACODE and Radar sample data, for tests.
 *
 *   import { startMariaDbEnv, type MariaDbEnv } from '../helpers/mariadb-env';
 *   let env: MariaDbEnv;
 *   beforeAll(async () => { env = await startMariaDbEnv({ fiscalRows: 500 }); });
 *   afterAll(() => env?.close());
 *
 * startMariaDbEnv(options?) → MariaDbEnv
 *   options: fiscalRows (default 1000), productRows (default max(50, fiscalRows/10)),
 *     complementRows (default fiscalRows/2), missingEans (default 3: fiscal EANs absent
 *     from the products table, one row each), outlierRate (default 0.001),
 *     referenceTime (default now: MAX(Data_Processamento) equals it exactly),
 *     radar (default true: load the 93 Radar tables), radarCriticalRows (default 200),
 *     radarOtherRows (default 5), seed (default 42), bufferPoolSize.
 *   MariaDbEnv:
 *     sources    MysqlSources for acode/primary, acode/backup (the replica) and radar/primary
 *     endpoints  the same as SourceEndpoints (host 127.0.0.1, free ports, user, database, passwordEnv)
 *     pair       the MariaDbPair: stopPrimary()/startPrimary(), stopReplicaSqlThread(),
 *                stopReplicaIoThread(), startReplica(), delayReplica(s), breakReplication(),
 *                replicaStatus(), waitForReplicaCatchUp(), primary/replica .withAdmin(fn)
 *     acode      what was generated: rowCounts per table, missingEans, productEans,
 *                referenceTime, fiscalRows/productRows/complementRows
 *     radar      rowCounts per Radar table (undefined when radar: false)
 *     close()    closes the pools, kills both servers and deletes their files
 * The sample passwords are put into process.env (ACODE_PASS, ACODE_BACKUP_PASS, RADAR_PASS)
 * and the replica has caught up with the loaded data when the promise resolves.
 * Startup is about a second plus loading (a copied template data directory, no initialisation).
 */
import { createMysqlSources, type MysqlSources } from '../../activities/mysql/mysql-sources';
import type { SourceEndpoints } from '../../config/sources';
import { startMariaDbPair, type MariaDbPair } from '../../local/mariadb/pair';
import type { AcodeSampleOptions } from '../../local/sampledata/acode-rows';
import { loadAcodeSample, loadRadarSample, type AcodeSampleSummary, type RadarSampleSummary } from '../../local/sampledata/load-sample-data';

export interface MariaDbEnvOptions extends Partial<AcodeSampleOptions> {
  radar?: boolean;
  radarCriticalRows?: number;
  radarOtherRows?: number;
  bufferPoolSize?: string;
}

export interface MariaDbEnv {
  pair: MariaDbPair;
  sources: MysqlSources;
  endpoints: SourceEndpoints;
  acode: AcodeSampleSummary;
  radar?: RadarSampleSummary;
  close(): Promise<void>;
}

export async function startMariaDbEnv(options: MariaDbEnvOptions = {}): Promise<MariaDbEnv> {
  const pair = await startMariaDbPair({ bufferPoolSize: options.bufferPoolSize });
  try {
    pair.applyCredentials();
    const referenceTime = options.referenceTime ?? new Date();
    const acode = await loadAcodeSample(pair.primary, { ...options, fiscalRows: options.fiscalRows ?? 1000, referenceTime });
    const radar =
      options.radar === false
        ? undefined
        : await loadRadarSample(pair.primary, {
            criticalRows: options.radarCriticalRows,
            otherRows: options.radarOtherRows,
            referenceTime,
            seed: options.seed,
          });
    await pair.waitForReplicaCatchUp(120_000);
    const endpoints: SourceEndpoints = pair.endpoints;
    const sources = createMysqlSources(endpoints);
    return {
      pair,
      sources,
      endpoints,
      acode,
      radar,
      async close() {
        await sources.close().catch(() => undefined);
        await pair.shutdown();
      },
    };
  } catch (err) {
    await pair.shutdown().catch(() => undefined);
    throw err;
  }
}
