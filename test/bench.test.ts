import { describe, expect, it } from 'vitest';
import { startLatencyProxy, viaProxy } from '../source/bench/latency-proxy.js';
import { parseTargets, Session } from '../source/session.js';
import { prodSql, sandboxSql } from '../source/bench/generate.js';
import { demoSchoolPerTest } from './helpers/databases.js';

const school = demoSchoolPerTest();

describe('the benchmark tools', () => {
  it('plan the same through the latency proxy as directly, with the round trips delayed', async () => {
    await school.pair.reset({ sandbox: sandboxSql({ lessons: 50 }), prod: prodSql({ lessons: 50 }) });
    const proxies = await Promise.all(
      (['sandbox', 'prod'] as const).map((side) => {
        const url = new URL(school.pair.urls[side]);
        return startLatencyProxy(url.hostname, Number(url.port || 5432), 30);
      }),
    );
    try {
      const slow = parseTargets(viaProxy(school.pair.urls.sandbox, proxies[0]!.port), viaProxy(school.pair.urls.prod, proxies[1]!.port));
      const session = await Session.open(slow);
      try {
        expect(session.servers.prod.rttMs).toBeGreaterThanOrEqual(55); // 30 ms each way
        const plan = await session.plan({ students: [] });
        expect(plan.summary).toMatchObject({ lessons: 50, created: 20, updated: 15, skipped: 15, errors: 0, tasksCopied: 175 });
      } finally {
        await session.close();
      }
    } finally {
      await Promise.all(proxies.map((p) => p.close()));
    }
  });
});
