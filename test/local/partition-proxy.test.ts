/**
 * The partition proxy (local/net/partition-proxy.ts) in front of a stand-in
 * server that greets each connection: it forwards; a `swallow` partition makes
 * a MySQL client's connect time out; a `drop` partition makes it fail at once
 * with a reset, and resets the connections already open; `isOver` heals it.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { createConnection } from 'mysql2/promise';
import { startPartitionProxy, type PartitionProxy } from '../../local/net/partition-proxy';

let upstream: Server;
let proxy: PartitionProxy;
const sockets: Socket[] = [];

beforeEach(async () => {
  upstream = createServer((socket) => socket.end('hello\n'));
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  proxy = await startPartitionProxy({ host: '127.0.0.1', port: (upstream.address() as AddressInfo).port });
});

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await proxy.close();
  await new Promise((resolve) => upstream.close(resolve));
});

/** A raw connection through the proxy; resolves with what it received and how it ended. */
function through(): { socket: Socket; ended: Promise<{ data: string; error?: string }> } {
  const socket = connect(proxy.port, proxy.host);
  sockets.push(socket);
  let data = '';
  socket.on('data', (chunk) => (data += chunk));
  const ended = new Promise<{ data: string; error?: string }>((resolve) => {
    socket.on('error', (err: NodeJS.ErrnoException) => resolve({ data, error: err.code }));
    socket.on('close', () => resolve({ data }));
  });
  return { socket, ended };
}

const mysqlConnect = (connectTimeout: number) =>
  createConnection({ host: proxy.host, port: proxy.port, user: 'u', password: 'p', connectTimeout }).then(
    (conn) => {
      conn.destroy();
      throw new Error('connected through a partition');
    },
    (err: NodeJS.ErrnoException) => err,
  );

test('healed, it forwards both ways', async () => {
  expect(proxy.partitioned()).toBe(false);
  expect(await through().ended).toEqual({ data: 'hello\n' });
});

test('swallow: a MySQL client connect times out; the connection is counted as swallowed', async () => {
  proxy.partition();
  expect(proxy.mode()).toBe('swallow');
  const started = Date.now();
  const err = await mysqlConnect(300);
  expect(err.code).toBe('ETIMEDOUT');
  expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  expect(proxy.swallowed()).toBe(1);
  expect(proxy.dropped()).toBe(0);
});

test('drop: a MySQL client connect fails at once with a reset, long before its timeout', async () => {
  proxy.partition({ mode: 'drop' });
  expect(proxy.mode()).toBe('drop');
  const started = Date.now();
  const err = await mysqlConnect(30_000);
  expect(err.code).toBe('ECONNRESET');
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(proxy.dropped()).toBe(1);
  expect(proxy.swallowed()).toBe(0);
});

test('drop: a connection open when the partition starts is reset', async () => {
  // An upstream that stays silent, so the link is still open when the partition starts.
  await proxy.close();
  await new Promise((resolve) => upstream.close(resolve));
  const held: Socket[] = [];
  upstream = createServer((socket) => held.push(socket));
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const connected = once(upstream, 'connection');
  proxy = await startPartitionProxy({ host: '127.0.0.1', port: (upstream.address() as AddressInfo).port });
  const open = through();
  await connected;
  proxy.partition({ mode: 'drop' });
  expect(await open.ended).toEqual({ data: '', error: 'ECONNRESET' });
  expect(proxy.dropped()).toBe(1);
  for (const s of held) s.destroy();
});

test('isOver: the partition heals itself at the first connection once it says so', async () => {
  let over = false;
  proxy.partition({ mode: 'drop', isOver: async () => over });
  expect((await through().ended).error).toBe('ECONNRESET');
  over = true;
  expect(await through().ended).toEqual({ data: 'hello\n' });
  expect(proxy.partitioned()).toBe(false);
  expect(proxy.dropped()).toBe(1);
});
