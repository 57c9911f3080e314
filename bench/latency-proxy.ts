/**
 * A loopback TCP proxy that holds every chunk `delayMs` in each direction: a remote
 * database's round trip, on this machine.
 */
import { fork } from 'node:child_process';
import { createConnection, createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface LatencyProxy {
  port: number;
  close(): Promise<void>;
}

function delayed(from: Socket, to: Socket, delayMs: number): void {
  from.on('data', (chunk) => {
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
    }, delayMs);
  });
  from.on('end', () => setTimeout(() => to.end(), delayMs));
  from.on('error', () => to.destroy());
}

export async function startLatencyProxy(targetHost: string, targetPort: number, delayMs: number): Promise<LatencyProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: targetHost, port: targetPort });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => sockets.delete(socket));
    }
    delayed(client, upstream, delayMs);
    delayed(upstream, client, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    // resolved once every connection is closed, not just asked to: a server that takes one
    // connection at a time (pglite-socket) is free again when this returns
    close: async () => {
      const closed = [...sockets].map((socket) => new Promise((resolve) => socket.once('close', resolve)));
      sockets.forEach((s) => s.destroy());
      await Promise.all([...closed, new Promise((resolve) => server.close(resolve))]);
    },
  };
}

/**
 * The same proxy in a process of its own: in the benchmark's process its timers would wait
 * behind the synchronous planning it measures, and a round trip would look longer than it is.
 */
export function spawnLatencyProxy(targetHost: string, targetPort: number, delayMs: number): Promise<LatencyProxy> {
  const child = fork(fileURLToPath(import.meta.url), [targetHost, String(targetPort), String(delayMs)], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the latency proxy exited (${code})`)));
    child.once('message', (port) => {
      child.removeAllListeners('exit');
      resolve({
        port: port as number,
        close: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.kill();
          }),
      });
    });
  });
}

if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) {
  const [host, port, delayMs] = process.argv.slice(2);
  const proxy = await startLatencyProxy(host!, Number(port), Number(delayMs));
  process.send(proxy.port);
  process.on('disconnect', () => process.exit(0));
}

/** The same URL, through a proxy. */
export function viaProxy(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}
