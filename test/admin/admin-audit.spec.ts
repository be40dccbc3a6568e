import { ConflictException } from '@nestjs/common';
import { AdminActionRepository } from '../../src/admin/audit/admin-action.repository';
import { AdminAuditService } from '../../src/admin/audit/admin-audit.service';
import type { CompetitionDefinition } from '../../src/config/competition/competition.types';
import { describeEachEngine } from '../support/test-database';

describeEachEngine('admin audit trail', (db) => {
  const competition = { id: 'audit-game' } as CompetitionDefinition;
  let actions: AdminActionRepository;
  let audit: AdminAuditService;

  beforeAll(() => {
    actions = new AdminActionRepository(db().dataSource);
    audit = new AdminAuditService(competition, actions);
  });

  it('records a successful action with its key, target, parameters and result', async () => {
    const result = await audit.perform({ keyId: 'ops-alice', action: 'model.disable', target: 'm-1', parameters: { reason: 'copies m-2' } }, async () => ({ disabled: true }));
    expect(result).toEqual({ disabled: true });
    const [row] = await actions.list(competition.id, { limit: 1, offset: 0 });
    expect(row).toMatchObject({ keyId: 'ops-alice', action: 'model.disable', target: 'm-1', parameters: { reason: 'copies m-2' }, outcome: 'succeeded', result: { disabled: true } });
    expect(row.actedAt).toBeInstanceOf(Date);
  });

  it('records a refused action with the error it answered, and rethrows it', async () => {
    const refused = audit.perform({ keyId: 'ops-bob', action: 'checkpoint.move', target: 'ckp-1', parameters: { to: 'PAID' } }, async () => {
      throw new ConflictException('checkpoint ckp-1 is PENDING: it cannot move to PAID');
    });
    await expect(refused).rejects.toBeInstanceOf(ConflictException);
    const [row] = await actions.list(competition.id, { limit: 1, offset: 0 });
    expect(row).toMatchObject({ keyId: 'ops-bob', outcome: 'failed', result: { error: { status: 409, message: 'checkpoint ckp-1 is PENDING: it cannot move to PAID' } } });
  });

  it('lists newest first, pages, filters by action and keeps competitions apart', async () => {
    await audit.perform({ keyId: 'k', action: 'model.enable', target: 'm-1', parameters: {} }, async () => undefined);
    await new AdminAuditService({ id: 'other-game' } as CompetitionDefinition, actions).perform({ keyId: 'k', action: 'model.enable', target: 'x', parameters: {} }, async () => undefined);
    const all = await actions.list(competition.id, { limit: 10, offset: 0 });
    expect(all.map((a) => a.action)).toEqual(['model.enable', 'checkpoint.move', 'model.disable']);
    expect((await actions.list(competition.id, { limit: 1, offset: 1 })).map((a) => a.action)).toEqual(['checkpoint.move']);
    expect((await actions.list(competition.id, { limit: 10, offset: 0, action: 'model.enable' })).map((a) => a.target)).toEqual(['m-1']);
    expect(all[0].result).toBeNull();
  });
});
