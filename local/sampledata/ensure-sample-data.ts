/**
 * For the main job on a kept pair: loads the sample data the first time and
 * leaves it alone afterwards, so a restart finds yesterday's data in place.
 */
import type { RowDataPacket } from 'mysql2/promise';
import { ACODE_FISCAL_TABLE } from '../../config/pipelines';
import { ACODE_DATABASE, RADAR_DATABASE } from '../mariadb/credentials';
import type { MariaDbPair } from '../mariadb/pair';
import type { AcodeSampleOptions } from './acode-rows';
import { loadAcodeSample, loadRadarSample } from './load-sample-data';
import type { RadarSampleOptions } from './radar-rows';

export interface SampleDataState {
  loaded: boolean;
  acodeRows: number;
  radarTables: number;
}

async function present(pair: MariaDbPair): Promise<{ acodeRows: number; radarTables: number }> {
  return pair.primary.withAdmin(async (conn) => {
    const [tables] = await conn.query<RowDataPacket[]>(
      'SELECT TABLE_SCHEMA AS db, COUNT(*) AS n, SUM(TABLE_NAME = ?) AS fiscal FROM information_schema.tables WHERE TABLE_SCHEMA IN (?, ?) GROUP BY TABLE_SCHEMA',
      [ACODE_FISCAL_TABLE, ACODE_DATABASE, RADAR_DATABASE],
    );
    const acode = tables.find((t) => t.db === ACODE_DATABASE);
    const radar = tables.find((t) => t.db === RADAR_DATABASE);
    let acodeRows = 0;
    if (acode && Number(acode.fiscal) > 0) {
      const [count] = await conn.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${ACODE_DATABASE}\`.\`${ACODE_FISCAL_TABLE}\``);
      acodeRows = Number(count[0].n);
    }
    return { acodeRows, radarTables: Number(radar?.n ?? 0) };
  });
}

/** Loads ACODE and Radar sample data unless the primary already holds them; waits for the replica either way. */
export async function ensureSampleData(
  pair: MariaDbPair,
  options: { acode: AcodeSampleOptions; radar?: RadarSampleOptions },
): Promise<SampleDataState> {
  const before = await present(pair);
  let loaded = false;
  if (before.acodeRows === 0) {
    await loadAcodeSample(pair.primary, options.acode);
    loaded = true;
  }
  if (before.radarTables === 0) {
    await loadRadarSample(pair.primary, options.radar);
    loaded = true;
  }
  await pair.waitForReplicaCatchUp(300_000);
  const after = await present(pair);
  return { loaded, ...after };
}
