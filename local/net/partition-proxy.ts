/**
 * A TCP proxy in front of a server (the ACODE primary MariaDB) that can be put
 * into a network partition: while partitioned it accepts connections and never
 * answers, and connections already open stop carrying bytes either way — what a
 * client sees when a firewall or a dead route swallows its packets (a timeout,
 * never a refusal). Healing lets new connections through again; the connections
 * frozen by the partition are closed, as a real client's would be after its timeout.
 *
 *   const proxy = await startPartitionProxy({ host: '127.0.0.1', port: 3306 });
 *   proxy.partition();   // accept, never answer
 *   proxy.heal();        // forward again
 *   proxy.partition(async () => (await clock()) >= end); // heals itself at the first connection once it is over
 *   proxy.close();
 */
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface PartitionProxy {
  host: string;
  port: number;
  partitioned(): boolean;
  /** Swallows from now on; with `isOver`, asked at each new connection, the partition heals itself once it says so. */
  partition(isOver?: () => Promise<boolean>): void;
  heal(): void;
  /** Connections accepted while partitioned (never answered). */
  swallowed(): number;
  close(): Promise<void>;
}

interface Link {
  client: Socket;
  upstream?: Socket;
}

export async function startPartitionProxy(target: { host: string; port: number }): Promise<PartitionProxy> {
  let cut = false;
  let over: (() => Promise<boolean>) | undefined;
  let swallowedCount = 0;
  const links = new Set<Link>();

  const drop = (link: Link) => {
    links.delete(link);
    link.client.destroy();
    link.upstream?.destroy();
  };

  const heal = () => {
    cut = false;
    over = undefined;
    // Connections that lived through the partition carry half-delivered protocol state: close them.
    for (const link of [...links]) drop(link);
  };

  const server = createServer(async (client) => {
    client.pause();
    if (cut && over && (await over().catch(() => false))) heal();
    const link: Link = { client };
    links.add(link);
    client.on('error', () => drop(link));
    client.on('close', () => drop(link));
    if (cut) {
      swallowedCount++;
      client.pause(); // read nothing, answer nothing
      return;
    }
    const upstream = connect(target.port, target.host);
    link.upstream = upstream;
    upstream.on('error', () => drop(link));
    upstream.on('close', () => drop(link));
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
    partitioned: () => cut,
    partition(isOver) {
      cut = true;
      over = isOver;
    },
    heal,
    swallowed: () => swallowedCount,
    async close() {
      for (const link of [...links]) drop(link);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
