import type { TestProject } from 'vitest/node';
import { startEmbeddedServer } from '../../source/demo/pglite-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    embedded: { sandboxUrl: string; prodUrl: string } | null;
  }
}

/** Without TEST_DATABASE_URL, two empty embedded servers shared by every test file. */
export default async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URL) {
    project.provide('embedded', null);
    return;
  }
  if (process.env.CI === 'true') {
    throw new Error('CI must set TEST_DATABASE_URL: the real-server tests may not be skipped there');
  }
  const [sandbox, prod] = await Promise.all([startEmbeddedServer('sandbox'), startEmbeddedServer('prod')]);
  project.provide('embedded', { sandboxUrl: sandbox.url, prodUrl: prod.url });
  return async () => {
    await Promise.all([sandbox.close(), prod.close()]);
  };
}
