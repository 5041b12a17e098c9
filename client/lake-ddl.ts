/**
 * `orchestrator lake-ddl [--system acode|radar] [--format athena|spark]`:
 * the readers' table definitions from the declared lake schema. A stream
 * whose columns config declares (ACODE's fiscal and product tables) needs
 * nothing else; a stream whose columns are discovered (ACODE's complement
 * table, Radar's tables) has them read from the source's information_schema,
 * exactly as a sync would, when a source is at hand.
 */
import { lakeDdl, isDdlFormat, type DdlFormat, type TableDefinition } from '../config/lake-ddl';
import { PIPELINE_LAKE_SHAPE, streamLakeSchema, type SourceColumn } from '../config/lake-schema';
import { ACODE_STREAMS, SYSTEMS, isSystem, type SystemName } from '../config/pipelines';
import { RADAR_STREAMS } from '../config/radar-tables';

/** The columns a source has for a stream (the direct engine's discovery). */
export type DiscoverColumns = (system: SystemName, stream: string) => Promise<SourceColumn[]>;

export interface LakeDdlOptions {
  system?: string;
  format?: string;
  bucket: string;
  discover?: DiscoverColumns;
}

function streamsOf(system: SystemName): string[] {
  return (system === 'acode' ? ACODE_STREAMS : RADAR_STREAMS).map((s) => s.name);
}

export async function lakeDdlText(options: LakeDdlOptions): Promise<string> {
  if (options.system !== undefined && !isSystem(options.system)) {
    throw new Error(`--system: expected ${SYSTEMS.join(' or ')}, got ${JSON.stringify(options.system)}`);
  }
  const requested = options.format ?? 'athena';
  if (!isDdlFormat(requested)) throw new Error(`--format: expected athena or spark, got ${JSON.stringify(options.format)}`);
  const format: DdlFormat = requested;
  const systems = options.system ? [options.system as SystemName] : [...SYSTEMS];
  const parts: string[] = [];
  for (const system of systems) {
    const tables: TableDefinition[] = [];
    const undeclared: string[] = [];
    for (const stream of streamsOf(system)) {
      let columns = streamLakeSchema(system, stream);
      if (!columns && options.discover) {
        const found = await options.discover(system, stream).catch(() => undefined);
        columns = found && streamLakeSchema(system, stream, found);
      }
      if (columns) tables.push({ system, stream, columns });
      else undeclared.push(stream);
    }
    parts.push(lakeDdl(tables, options.bucket, format, PIPELINE_LAKE_SHAPE[system]));
    if (undeclared.length) {
      parts.push(`-- ${system}: columns of ${undeclared.join(', ')} are discovered from the source, which is not reachable here\n`);
    }
  }
  return parts.join('\n');
}
