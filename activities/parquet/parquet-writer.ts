/**
 * The Parquet writer behind the direct sync engine: one local Parquet file at
 * a time, fed with batches of source rows, closed into a file ready to upload.
 * Two implementations: DuckDB (the default, measured fastest and smallest) and
 * parquetjs-lite (pure JavaScript, kept selectable).
 *
 * Rows arrive as arrays in column order, valued as mysql2 returns them with
 * dateStrings, supportBigNumbers and bigNumberStrings: numbers for small
 * integers and doubles, strings for BIGINT, DECIMAL, DATE, DATETIME and text,
 * Buffers for binary, objects for JSON, null for NULL.
 */
import type { ExtractColumn } from '../engine/extract-columns';
import { invalidInput } from '../../config/failures';
import type { LakeColumn, LakeShape } from '../../config/lake-schema';

export type ParquetWriterName = 'duckdb' | 'parquetjs';
export const PARQUET_WRITERS: readonly ParquetWriterName[] = ['duckdb', 'parquetjs'];

/** The lake shapes each writer can write exactly (config/lake-schema.ts). */
export const WRITER_SHAPES: Readonly<Record<ParquetWriterName, readonly LakeShape[]>> = {
  duckdb: ['airbyte-s3-v0', 'typed'],
  // parquetjs-lite has no DECIMAL logical type, so it cannot write `typed`'s exact decimals.
  parquetjs: ['airbyte-s3-v0'],
};

/** Refuses, in one line and before any work, a writer that cannot write the pipeline's shape. */
export function assertWriterShape(writer: ParquetWriterName, shape: LakeShape, where: string): void {
  if (!WRITER_SHAPES[writer].includes(shape)) {
    throw invalidInput(
      `${where}: the ${writer} Parquet writer cannot write the ${shape} lake shape (it writes ${WRITER_SHAPES[writer].join(', ')}); choose another writer or migrate the shape`,
    );
  }
}

export interface AirbyteMetadata {
  /** First 24 characters of every `_airbyte_ab_id` of this attempt (`xxxxxxxx-xxxx-4xxx-8xxx-`). */
  abIdPrefix: string;
  /** Sequence number of the file's first row within the sync (its ab id suffix). */
  firstRowNumber: number;
  /** `_airbyte_emitted_at` of every row of the attempt, epoch milliseconds. */
  emittedAtMs: number;
}

export interface ParquetFileSpec extends AirbyteMetadata {
  /** Local path of the Parquet file to create. */
  path: string;
  /** The source columns, in the order rows carry them. */
  columns: ExtractColumn[];
  /** The declared lake schema the file must hold (metadata columns included), each data column naming its source. */
  lake: readonly LakeColumn[];
}

export interface ParquetFileWriter {
  /** Appends rows; resolves once the encoder has taken them (backpressure). */
  write(rows: unknown[][]): Promise<void>;
  /**
   * Appends whole rows already encoded as CSV in the columns' order (NULL an
   * empty unquoted field, `""` an empty string); only writers that read CSV
   * have it.
   */
  writeCsv?(csv: Buffer, rows: number): Promise<void>;
  /** Rows written so far. */
  readonly rows: number;
  /** Approximate uncompressed bytes written so far (for the file size bound). */
  readonly approxBytes: number;
  /** Ends the file; resolves when it is complete on disk. */
  finish(): Promise<{ path: string; rows: number; bytes: number }>;
  /** Stops writing and removes whatever was written. */
  abort(): Promise<void>;
}

export interface ParquetWriterFactory {
  readonly name: ParquetWriterName;
  open(spec: ParquetFileSpec): Promise<ParquetFileWriter>;
  close(): Promise<void>;
}

/** `_airbyte_ab_id` of the n-th row of an attempt: the attempt's random prefix and a 12-hex-digit sequence. */
export function airbyteAbId(prefix: string, rowNumber: number): string {
  return prefix + rowNumber.toString(16).padStart(12, '0');
}

/** A random UUID prefix for an attempt; the last 12 hex digits are left for the row sequence. */
export function newAbIdPrefix(random: () => string = () => crypto.randomUUID()): string {
  return random().slice(0, 24);
}
