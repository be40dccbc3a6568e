import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import { JsonLogger } from '../../src/logging/json-logger';
import { ADMIN_HEADERS, TEST_ADMIN_SECRET, TEST_READ_SECRET } from '../support/api-keys';
import { describeEachEngine } from '../support/test-database';
import { ReportSeed } from '../report/support/report-seed';
import { demoCompetition, startReportApp } from '../report/support/report-test-app';

/** A JsonLogger writing into a string, at the most verbose level. */
function capturingLogger(): { logger: JsonLogger; text: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { logger: new JsonLogger('trace', sink), text: () => text };
}

describe('the JSON logger', () => {
  it('redacts the API key headers of a logged request or header object', () => {
    const { logger, text } = capturingLogger();
    logger.warn({ req: { headers: { 'x-api-key': TEST_ADMIN_SECRET, authorization: `Bearer ${TEST_READ_SECRET}`, host: 'coordinator' } } });
    logger.warn({ headers: { 'x-api-key': TEST_ADMIN_SECRET, authorization: `Bearer ${TEST_READ_SECRET}` } });
    logger.warn('with details', { headers: { 'x-api-key': TEST_ADMIN_SECRET } }, 'Context');
    logger.flush();
    expect(text()).not.toContain(TEST_ADMIN_SECRET);
    expect(text()).not.toContain(TEST_READ_SECRET);
    expect(text()).toContain('"host":"coordinator"');
    expect(text().match(/\[redacted\]/g)).toHaveLength(5);
  });
});

describeEachEngine('API keys in a running app', (db) => {
  it('never reach the logs, whether accepted, refused or sent with a request that is logged', async () => {
    const competition = demoCompetition();
    await new ReportSeed(db().dataSource, competition).competition();
    const { logger, text } = capturingLogger();
    // The report app's own loggers (Nest's Logger instances) write through the app's logger.
    Logger.overrideLogger(logger);
    const t = await startReportApp(db().dataSource, { competition, logger });
    try {
      const wrong = 'a-wrong-secret-0123456789';
      const requests: Array<[string, RequestInit]> = [
        ['/leaderboard/columns/reset', { method: 'POST', headers: ADMIN_HEADERS }],
        ['/leaderboard/columns/reset', { method: 'POST', headers: { Authorization: `Bearer ${TEST_READ_SECRET}` } }],
        ['/leaderboard/columns/reset', { method: 'POST', headers: { 'X-API-Key': wrong } }],
        // Over the body limit: refused with a warn line (the request line, never its headers).
        ['/leaderboard/columns', { method: 'POST', headers: { ...ADMIN_HEADERS, 'Content-Type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(200_000) }) }],
      ];
      const statuses: number[] = [];
      for (const [route, init] of requests) statuses.push((await fetch(`${t.url}${route}`, init)).status);
      expect(statuses).toEqual([200, 403, 401, 413]);
    } finally {
      await t.close();
      Logger.overrideLogger(['error']);
    }
    logger.flush();
    expect(text()).toContain('413');
    for (const secret of [TEST_ADMIN_SECRET, TEST_READ_SECRET, 'a-wrong-secret-0123456789']) expect(text()).not.toContain(secret);
  });
});
