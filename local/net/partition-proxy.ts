/**
 * A TCP proxy in front of a server (the ACODE primary MariaDB) that can be put
 * into a network partition, in one of two modes:
 *   - `swallow` (the default): new connections are accepted and never answered,
 *     and connections already open stop carrying bytes either way — what a
 *     client sees when a firewall DROP or a dead route swallows its packets (a
 *     timeout, never a refusal). Healing closes the connections frozen by the
 *     partition, as a real client would after its timeout.
 *   - `drop`: new connections are accepted and reset at once (an RST), and the
 *     connections open when the partition starts are reset too — what a client
 *     sees behind a firewall REJECT (tcp-reset): a prompt error, no timeout.
 * Healing lets new connections through again.
 *
 *   const proxy = await startPartitionProxy({ host: '127.0.0.1', port: 3306 });
 *   proxy.partition();                   // swallow: accept, never answer
 *   proxy.partition({ mode: 'drop' });   // reset every connection
 *   proxy.heal();                        // forward again
 *   proxy.partition({ mode: 'drop', isOver: async () => (await clock()) >= end }); // heals itself at the first connection once it is over
 *   proxy.swallowed(); proxy.dropped();  // connections each mode cut so far
 *   proxy.close();
 */
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type PartitionMode = 'swallow' | 'drop';

export interface PartitionOptions {
  /** `swallow` (default): accept, never answer; `drop`: reset at once. */
  mode?: PartitionMode;
  /** Asked at each new connection: the partition heals itself once it says so. */
  isOver?: () => Promise<boolean>;
}

export interface PartitionProxy {
  host: string;
  port: number;
  partitioned(): boolean;
  /** The mode of the current partition; undefined when healed. */
  mode(): PartitionMode | undefined;
  /** Partitions from now on (see PartitionOptions). */
  partition(options?: PartitionOptions): void;
  heal(): void;
  /** Connections accepted while partitioned in `swallow` mode (never answered). */
  swallowed(): number;
  /** Connections reset by a `drop` partition: new ones and those open when it started. */
  dropped(): number;
  close(): Promise<void>;
}

interface Link {
  client: Socket;
  upstream?: Socket;
}

export async function startPartitionProxy(target: { host: string; port: number }): Promise<PartitionProxy> {
  let cut: PartitionMode | undefined;
  let over: (() => Promise<boolean>) | undefined;
  let swallowedCount = 0;
  let droppedCount = 0;
  const links = new Set<Link>();

  const close = (link: Link) => {
    links.delete(link);
    link.client.destroy();
    link.upstream?.destroy();
  };

  /** An RST to the client (a firewall REJECT's tcp-reset), the upstream side closed. */
  const reset = (link: Link) => {
    links.delete(link);
    droppedCount++;
    if (!link.client.destroyed) link.client.resetAndDestroy();
    link.upstream?.destroy();
  };

  const heal = () => {
    cut = undefined;
    over = undefined;
    // Connections that lived through the partition carry half-delivered protocol state: close them.
    for (const link of [...links]) close(link);
  };

  const server = createServer(async (client) => {
    client.pause();
    if (cut && over && (await over().catch(() => false))) heal();
    const link: Link = { client };
    client.on('error', () => close(link));
    client.on('close', () => close(link));
    if (cut === 'drop') {
      reset(link);
      return;
    }
    links.add(link);
    if (cut === 'swallow') {
      swallowedCount++;
      client.pause(); // read nothing, answer nothing
      return;
    }
    const upstream = connect(target.port, target.host);
    link.upstream = upstream;
    upstream.on('error', () => close(link));
    upstream.on('close', () => close(link));
    client.on('data', (chunk) => {
      if (!cut) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!cut) client.write(chunk);
    });
    client.resume();
  });
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`partition proxy: cannot listen: ${err.message}`)));
    server.listen(0, '127.0.0.1', () => resolve(server.address() as AddressInfo));
  });

  return {
    host: '127.0.0.1',
    port: address.port,
    partitioned: () => cut !== undefined,
    mode: () => cut,
    partition(options = {}) {
      cut = options.mode ?? 'swallow';
      over = options.isOver;
      if (cut === 'drop') for (const link of [...links]) reset(link);
    },
    heal,
    swallowed: () => swallowedCount,
    dropped: () => droppedCount,
    async close() {
      for (const link of [...links]) close(link);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
