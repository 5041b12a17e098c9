/**
 * Row counts from Parquet footers read straight from S3 with ranged GETs
 * (parquetjs-lite's envelope reader decodes the footer), so a whole partition
 * need not be downloaded to learn how many rows it holds — e.g. the previous
 * day's partition for the volume-change check.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { withS3 } from '../s3/s3-errors';
import { corruptParquet } from './parquet';

interface EnvelopeReader {
  readHeader(): Promise<void>;
  readFooter(): Promise<{ num_rows: number | { valueOf(): number } }>;
}
// parquetjs-lite ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ParquetEnvelopeReader } = require('parquetjs-lite/lib/reader') as {
  ParquetEnvelopeReader: new (
    read: (offset: number, length: number) => Promise<Buffer>,
    close: () => Promise<void>,
    fileSize: number,
  ) => EnvelopeReader;
};

async function readRange(s3: S3Client, bucket: string, key: string, offset: number, length: number): Promise<Buffer> {
  return withS3('GetObject', bucket, key, async () => {
    const out = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${offset}-${offset + length - 1}` }),
    );
    return Buffer.from(await out.Body!.transformToByteArray());
  });
}

/** Rows of one Parquet object according to its footer; an unreadable footer is data_corruption naming the key. */
export async function footerRowCount(s3: S3Client, bucket: string, key: string, size: number): Promise<number> {
  const reader = new ParquetEnvelopeReader((offset, length) => readRange(s3, bucket, key, offset, length), async () => {}, size);
  try {
    await reader.readHeader();
    const footer = await reader.readFooter();
    return Number(footer.num_rows.valueOf());
  } catch (err) {
    if ((err as { type?: string }).type) throw err; // already a classified S3 failure
    throw corruptParquet(bucket, key, err);
  }
}

export async function footerRowCounts(s3: S3Client, bucket: string, files: { key: string; size: number }[]): Promise<number> {
  let total = 0;
  for (const f of files) total += await footerRowCount(s3, bucket, f.key, f.size);
  return total;
}
