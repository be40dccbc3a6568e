import { SwaggerModule, DocumentBuilder } from '@nestjs/swagger';
import { VirtualClock } from '../../src/clock/clock';
import { API_KEY_SCHEME, BEARER_SCHEME } from '../../src/auth/access-tier';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { AdminTestApp, demoCompetition, startAdminApp } from './support/admin-test-app';

const ROUTES: Array<[string, string, string | null]> = [
  ['post', '/admin/models/{id}/disable', 'ModelFlagBody'],
  ['post', '/admin/models/{id}/enable', null],
  ['post', '/admin/models/{id}/exclude', 'ModelFlagBody'],
  ['post', '/admin/models/{id}/include', null],
  ['post', '/admin/feed/backfill', 'FeedBackfillBody'],
  ['put', '/admin/checkpoints/{id}/pool', 'CheckpointPoolBody'],
  ['post', '/admin/checkpoints/{id}/status', 'CheckpointMoveBody'],
];

describe('admin routes in OpenAPI', () => {
  let db: TestDatabase;
  let t: AdminTestApp;

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    t = await startAdminApp(db.dataSource, demoCompetition(), new VirtualClock());
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await db?.close();
  });

  it('documents every admin action with its security schemes, its body, and its 400 and 401/403 answers', () => {
    const document = SwaggerModule.createDocument(t.app, new DocumentBuilder().build());
    for (const [method, route, body] of ROUTES) {
      const operation = (document.paths[route] as Record<string, any> | undefined)?.[method];
      expect([route, operation !== undefined]).toEqual([route, true]);
      expect(operation.security).toEqual(expect.arrayContaining([{ [API_KEY_SCHEME]: [] }, { [BEARER_SCHEME]: [] }]));
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403']));
      expect(operation.summary).toBeTruthy();
      if (body) expect(operation.requestBody.content['application/json'].schema.$ref).toBe(`#/components/schemas/${body}`);
    }
    expect(document.components?.schemas?.FeedBackfillBody).toMatchObject({ required: ['from', 'to'] });
    expect(document.components?.schemas?.CheckpointMoveBody).toMatchObject({ properties: { to: { enum: ['PENDING', 'SUBMITTED', 'CLAIMABLE', 'PAID', 'FAILED'] } } });
  });
});
