/** Names the S3 API operation of a path-style HTTP request, so faults can target one operation. */
import type { IncomingMessage } from 'node:http';

export type S3Operation =
  | 'ListObjectsV2'
  | 'ListObjects'
  | 'GetObject'
  | 'HeadObject'
  | 'PutObject'
  | 'CopyObject'
  | 'DeleteObject'
  | 'DeleteObjects'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'HeadBucket'
  | 'CreateBucket'
  | 'Other';

export function classifyS3Request(req: Pick<IncomingMessage, 'method' | 'url' | 'headers'>): S3Operation {
  const url = new URL(req.url ?? '/', 'http://local');
  const q = url.searchParams;
  const hasKey = url.pathname.split('/').filter(Boolean).length > 1;
  switch (req.method) {
    case 'GET':
      if (!hasKey) return q.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
      return 'GetObject';
    case 'HEAD':
      return hasKey ? 'HeadObject' : 'HeadBucket';
    case 'PUT':
      if (!hasKey) return 'CreateBucket';
      if (q.has('partNumber') && q.has('uploadId')) return 'UploadPart';
      return 'x-amz-copy-source' in req.headers ? 'CopyObject' : 'PutObject';
    case 'POST':
      if (q.has('delete')) return 'DeleteObjects';
      if (q.has('uploads')) return 'CreateMultipartUpload';
      if (q.has('uploadId')) return 'CompleteMultipartUpload';
      return 'Other';
    case 'DELETE':
      if (q.has('uploadId')) return 'AbortMultipartUpload';
      return hasKey ? 'DeleteObject' : 'Other';
    default:
      return 'Other';
  }
}
