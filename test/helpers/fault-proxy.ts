/**
 * A loopback TCP proxy in front of a database server that can misbehave as networks do:
 * delay every packet, reset every connection, or go silent — stop forwarding while
 * every socket stays open, so neither end sees anything but quiet.
 */
import { createConnection, createServer, type Socket } from 'node:net';

export interface FaultProxy {
  port: number;
  /** the same database URL, through the proxy */
  url(target: string): string;
  /** holds every chunk this long, each way */
  delay(ms: number): void;
  /** the connections open now go silent; new ones still pass */
  silenceOpen(): void;
  /** every connection, open or new, goes silent: a dead network */
  silenceAll(): void;
  /** every connection is reset (RST), as a crashed peer or a firewall would */
  reset(): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
  silent: boolean;
}

export async function startFaultProxy(targetHost: string, targetPort: number, listenPort = 0): Promise<FaultProxy> {
  const pairs = new Set<Pair>();
  let delayMs = 0;
  let allSilent = false;

  const forward = (pair: Pair, from: Socket, to: Socket) => {
    from.on('data', (chunk) => {
      if (pair.silent || allSilent) return;
      const send = () => {
        if (!pair.silent && !allSilent && !to.destroyed) to.write(chunk);
      };
      if (delayMs) setTimeout(send, delayMs);
      else send();
    });
    // a silent network carries no FIN either
    from.on('end', () => {
      if (!pair.silent && !allSilent) to.end();
    });
    from.on('error', () => {
      if (!pair.silent && !allSilent) to.destroy();
    });
  };

  const server = createServer((client) => {
    const upstream = createConnection({ host: targetHost, port: targetPort });
    const pair: Pair = { client, upstream, silent: allSilent };
    pairs.add(pair);
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      // kept until both ends are gone: a silenced pair still holds its server side open
      socket.on('close', () => client.destroyed && upstream.destroyed && pairs.delete(pair));
      socket.on('error', () => {});
    }
    forward(pair, client, upstream);
    forward(pair, upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(listenPort, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  return {
    port,
    url(target) {
      const u = new URL(target);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    delay(ms) {
      delayMs = ms;
    },
    silenceOpen() {
      pairs.forEach((pair) => (pair.silent = true));
    },
    silenceAll() {
      allSilent = true;
    },
    reset() {
      pairs.forEach((pair) => {
        pair.client.resetAndDestroy();
        pair.upstream.resetAndDestroy();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        pairs.forEach((pair) => {
          pair.client.destroy();
          pair.upstream.destroy();
        });
        server.close(() => resolve());
      }),
  };
}
