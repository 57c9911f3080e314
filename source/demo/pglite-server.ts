/** An embedded PostgreSQL (PGlite) served on loopback, so the app reaches it through pg like any server. */
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedServer {
  url: string;
  db: PGlite;
  close(): Promise<void>;
}

export async function startEmbeddedServer(name: string, seedSql?: string): Promise<EmbeddedServer> {
  const db = await PGlite.create();
  if (seedSql) await db.exec(seedSql);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());
  return {
    url: `postgresql://demo:demo@127.0.0.1:${port}/${name}?sslmode=disable`,
    db,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
