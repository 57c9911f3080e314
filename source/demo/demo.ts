import { startEmbeddedServer, type EmbeddedServer } from './pglite-server.js';
import { prodSchool, sandboxSchool } from './school.js';

export interface DemoDatabases {
  sandboxUrl: string;
  prodUrl: string;
  close(): Promise<void>;
}

/** Two embedded databases seeded with the demo school: sandbox and prod. */
export async function startDemo(): Promise<DemoDatabases> {
  const servers: EmbeddedServer[] = await Promise.all([
    startEmbeddedServer('sandbox', sandboxSchool),
    startEmbeddedServer('prod', prodSchool),
  ]);
  const [sandbox, prod] = servers as [EmbeddedServer, EmbeddedServer];
  return {
    sandboxUrl: sandbox.url,
    prodUrl: prod.url,
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
