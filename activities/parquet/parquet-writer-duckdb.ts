/**
 * Parquet files written by DuckDB. Rows are encoded as CSV and streamed
 * through a named pipe into a running `COPY (SELECT … FROM read_csv(pipe)) TO
 * file (FORMAT PARQUET, COMPRESSION SNAPPY)`, so extraction in JavaScript and
 * parsing/encoding in DuckDB's threads overlap, and memory stays bounded by
 * the pipe and DuckDB's row groups. DuckDB casts text to exact types: DECIMAL
 * stays decimal, DATE and TIMESTAMP are typed, TIMESTAMPTZ is marked UTC.
 * The SELECT writes the declared lake schema (config/lake-schema.ts) column
 * for column: in `airbyte-s3-v0` numbers as DOUBLE and dates as
 * `{member0, member1}` structs, Airbyte's metadata columns around the data.
 */
import { constants as fsConstants, promises as fs, openSync } from 'node:fs';
import { Socket } from 'node:net';
import path from 'node:path';
import { createDuckDBDatabase, type DuckDBDatabase, type DuckDBSession } from './duckdb-session';
import { FifoPool } from './fifo-pool';
import { createCsvEncoder } from '../engine/extract-csv';
import type { ExtractColumn } from '../engine/extract-columns';
import type { ParquetFileSpec, ParquetFileWriter, ParquetWriterFactory } from './parquet-writer';
import { markTimestampsUtc } from './parquet-footer-annotations';
import { ADDITIONAL_PROPERTIES_COLUMN, AB_ID_COLUMN, EMITTED_AT_COLUMN, type LakeColumn, type LakeType } from '../../config/lake-schema';


export interface DuckDbWriterOptions {
  /** Directory for the named pipes and DuckDB's spill files. */
  workDir: string;
  /** DuckDB memory limit, e.g. '256MB'. */
  memoryLimit?: string;
  /**
   * DuckDB threads (default 1): the CSV is read from a pipe by one thread, so
   * a second one adds memory (a row group buffered per thread), not speed,
   * on a 2-core worker.
   */
  threads?: number;
  rowGroupSize?: number;
  /**
   * DuckDB's CSV read buffer (default 4 MiB, DuckDB's own default is 32 MiB):
   * rows come from a pipe in order, so a small buffer costs no speed and
   * saves the memory; it must hold the longest row (2 MiB, DuckDB's
   * max_line_size).
   */
  csvBufferBytes?: number;
  /** How long to wait for DuckDB to open the pipe. */
  pipeOpenTimeoutMs?: number;
  /**
   * A database to write with, shared with other syncs (one connection per
   * file); without it the factory opens its own (memoryLimit, threads) and
   * closes it with itself.
   */
  database?: DuckDBDatabase;
  /** The named pipes to write through, shared with other syncs; default: the factory's own in workDir. */
  fifos?: FifoPool;
}

const DEFAULT_CSV_BUFFER_BYTES = 4 * 1024 * 1024;

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const sqlText = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The lake column holding a source column (the declared schema names every data column). */
function lakeColumnOf(spec: ParquetFileSpec, c: ExtractColumn): LakeColumn {
  const lake = spec.lake.find((l) => l.source && l.name === c.name);
  if (!lake) throw new Error(`column ${c.name} is not in the declared lake schema`);
  return lake;
}

/** The type DuckDB reads a CSV column as: the lake's number types directly, text for the rest. */
function readType(lake: LakeColumn): string {
  switch (lake.type.kind) {
    case 'int64':
      return 'BIGINT';
    case 'int32':
      return 'INTEGER';
    case 'boolean':
      return 'INTEGER';
    case 'decimal':
      return `DECIMAL(${lake.type.precision},${lake.type.scale})`;
    case 'double':
      return 'DOUBLE';
    default:
      return 'VARCHAR';
  }
}

/** The value of a text column as a lake date or timestamp; zero dates (0000-00-00) are NULL, as in Airbyte. */
function temporal(id: string, type: LakeType): string {
  return type.kind === 'date' ? `TRY_CAST(${id} AS DATE)` : `TRY_CAST(${id} AS TIMESTAMP)::TIMESTAMPTZ`;
}

/** The expression writing a lake column from the CSV columns. */
function outputExpression(lake: LakeColumn, spec: ParquetFileSpec, sequence: string): string {
  const id = quoteIdent(lake.name);
  switch (lake.name) {
    case AB_ID_COLUMN:
      return `${sqlText(spec.abIdPrefix)} || lpad(printf('%x', nextval('${sequence}')), 12, '0') AS ${id}`;
    case EMITTED_AT_COLUMN:
      // DuckDB writes TIMESTAMP_MS unadjusted; finish() marks it UTC in the footer (parquet-footer-annotations.ts).
      return `epoch_ms(${Math.trunc(spec.emittedAtMs)}::BIGINT)::TIMESTAMP_MS AS ${id}`;
    case ADDITIONAL_PROPERTIES_COLUMN:
      return `NULL::MAP(VARCHAR, VARCHAR) AS ${id}`;
  }
  const { type } = lake;
  switch (type.kind) {
    case 'boolean':
      return `(${id} <> 0) AS ${id}`;
    case 'date':
    case 'timestamp':
      return `${temporal(id, type)} AS ${id}`;
    case 'union': {
      // Avro's [null, logical type, string]: the typed member, else the text in member1.
      const typed = temporal(id, type.member0);
      return `CASE WHEN ${id} IS NULL OR starts_with(${id}, '0000-00-00') THEN NULL ELSE struct_pack(member0 := ${typed}, member1 := CASE WHEN ${typed} IS NULL THEN ${id} END) END AS ${id}`;
    }
    default:
      return id;
  }
}

export function copySql(spec: ParquetFileSpec, pipePath: string, sequence: string, rowGroupSize: number, csvBufferBytes = DEFAULT_CSV_BUFFER_BYTES): string {
  const columns = `{${spec.columns.map((c) => `${sqlText(c.name)}: '${readType(lakeColumnOf(spec, c))}'`).join(', ')}}`;
  const select = spec.lake.map((l) => outputExpression(l, spec, sequence)).join(', ');
  const reader = `read_csv(${sqlText(pipePath)}, columns = ${columns}, header = false, delim = ',', quote = '"', escape = '"', nullstr = '', allow_quoted_nulls = false, auto_detect = false, buffer_size = ${csvBufferBytes})`;
  return `COPY (SELECT ${select} FROM ${reader}) TO ${sqlText(spec.path)} (FORMAT PARQUET, COMPRESSION SNAPPY, ROW_GROUP_SIZE ${rowGroupSize})`;
}

/** The lake's millisecond timestamps, which DuckDB cannot write UTC-adjusted itself. */
export function millisTimestampColumns(lake: readonly LakeColumn[]): string[] {
  return lake.filter((l) => l.type.kind === 'timestamp' && l.type.unit === 'MILLIS').map((l) => l.name);
}

/** Opens the write end of a named pipe without blocking a thread: retries until the reader has it open. */
async function openPipeForWriting(pipePath: string, timeoutMs: number, readerFailed: () => unknown): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return openSync(pipePath, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENXIO') throw err;
    }
    const failure = readerFailed();
    if (failure) throw failure;
    if (Date.now() > deadline) throw new Error(`DuckDB did not open ${pipePath} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

class DuckDbFileWriter implements ParquetFileWriter {
  rows = 0;
  approxBytes = 0;
  private ended = false;

  constructor(
    private readonly spec: ParquetFileSpec,
    private readonly pipePath: string,
    private readonly socket: Socket,
    private readonly copy: Promise<unknown>,
    private readonly encode: (rows: unknown[][]) => string,
    /** Gives the file's DuckDB connection back once its COPY is over. */
    private readonly release: () => void,
    private readonly fifos: FifoPool,
  ) {}

  async write(rows: unknown[][]): Promise<void> {
    if (rows.length === 0) return;
    await this.send(this.encode(rows), rows.length);
  }

  async writeCsv(csv: Buffer, rows: number): Promise<void> {
    if (rows === 0) return;
    await this.send(csv, rows);
  }

  private async send(chunk: string | Buffer, rows: number): Promise<void> {
    this.rows += rows;
    this.approxBytes += chunk.length;
    if (this.socket.write(chunk)) return;
    await Promise.race([
      new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          this.socket.off('error', onError);
          resolve();
        };
        const onError = (err: Error) => {
          this.socket.off('drain', onDrain);
          reject(err);
        };
        this.socket.once('drain', onDrain);
        this.socket.once('error', onError);
      }).catch((pipeError: unknown) => this.copyFailure(pipeError)),
      this.copy.then(
        () => {
          throw new Error(`DuckDB stopped reading ${this.spec.path} early`);
        },
        (copyError: unknown) => {
          throw copyError;
        },
      ),
    ]);
  }

  /** A broken pipe means DuckDB's COPY stopped: its error says why (out of memory, bad value), EPIPE does not. */
  private async copyFailure(pipeError: unknown): Promise<never> {
    const copyError = await this.copy.then(
      () => undefined,
      (err: unknown) => err,
    );
    throw copyError ?? pipeError;
  }

  async finish(): Promise<{ path: string; rows: number; bytes: number }> {
    this.ended = true;
    await new Promise<void>((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.once('close', () => resolve()); // our end closed: the pipe can serve the next file
      this.socket.end();
    });
    try {
      await this.copy;
    } catch (err) {
      this.release();
      await this.fifos.discard(this.pipePath);
      throw err;
    }
    this.release();
    this.fifos.release(this.pipePath);
    await markTimestampsUtc(this.spec.path, millisTimestampColumns(this.spec.lake));
    const { size } = await fs.stat(this.spec.path);
    return { path: this.spec.path, rows: this.rows, bytes: size };
  }

  async abort(): Promise<void> {
    if (!this.ended) this.socket.destroy();
    this.ended = true;
    await this.copy.catch(() => undefined);
    this.release();
    await this.fifos.discard(this.pipePath);
    await fs.rm(this.spec.path, { force: true });
  }
}

/** The DuckDB database the writers need: rows keep their order (the files' row sequence). */
export function writerDatabase(spillDir: string, options: Pick<DuckDbWriterOptions, 'memoryLimit' | 'threads'>): Promise<DuckDBDatabase> {
  return createDuckDBDatabase(spillDir, { memoryLimit: options.memoryLimit ?? '256MB', threads: options.threads ?? 1, preserveInsertionOrder: true });
}

export async function createDuckDbWriterFactory(options: DuckDbWriterOptions): Promise<ParquetWriterFactory> {
  const spillDir = path.join(options.workDir, 'duckdb-spill');
  const own = !options.database;
  if (own) await fs.mkdir(spillDir, { recursive: true });
  const database = options.database ?? (await writerDatabase(spillDir, options));
  const sessions = new Set<DuckDBSession>();
  const fifos = options.fifos ?? new FifoPool(options.workDir);
  let opened = 0;
  return {
    name: 'duckdb',
    async open(spec) {
      const n = ++opened;
      const pipePath = await fifos.acquire();
      const sequence = `ab_seq_${n}`;
      // a connection of its own: files of several slices are written at the same time
      const session = await database.connect();
      sessions.add(session);
      const release = () => {
        if (sessions.delete(session)) session.close();
      };
      await session.run("SET TimeZone = 'UTC'");
      await session.run(`CREATE OR REPLACE TEMP SEQUENCE ${sequence} START WITH ${spec.firstRowNumber}`);
      let copyError: unknown;
      const copy = session.run(copySql(spec, pipePath, sequence, options.rowGroupSize ?? 122_880, options.csvBufferBytes));
      copy.catch((err) => {
        copyError = err;
      });
      let fd: number;
      try {
        fd = await openPipeForWriting(pipePath, options.pipeOpenTimeoutMs ?? 30_000, () => copyError);
      } catch (err) {
        await fifos.discard(pipePath);
        throw err; // its connection is closed with the factory
      }
      const socket = new Socket({ fd, readable: false, writable: true });
      // A failed COPY closes the pipe; the writer reports the COPY's error, not EPIPE.
      socket.on('error', () => undefined);
      return new DuckDbFileWriter(spec, pipePath, socket, copy, createCsvEncoder(spec.columns), release, fifos);
    },
    async close() {
      for (const session of sessions) session.close();
      sessions.clear();
      if (!options.fifos) await fifos.close();
      if (own) {
        database.close();
        await fs.rm(spillDir, { recursive: true, force: true });
      }
    },
  };
}
