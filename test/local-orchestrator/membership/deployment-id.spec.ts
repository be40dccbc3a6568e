import { DeploymentIdIssuer } from '../../../src/local-orchestrator/membership/deployment-id';

describe('DeploymentIdIssuer', () => {
  it('names deployments {model_id}_{YYYYmmdd_HHMMSS_mmm} in UTC', () => {
    const issuer = new DeploymentIdIssuer(() => Date.UTC(2026, 0, 2, 3, 4, 5, 6));
    expect(issuer.next('42')).toBe('42_20260102_030405_006');
  });

  it('never repeats an id for one model, even within the same millisecond', () => {
    const issuer = new DeploymentIdIssuer(() => Date.UTC(2026, 11, 31, 23, 59, 59, 999));
    expect([issuer.next('a'), issuer.next('a'), issuer.next('b')]).toEqual([
      'a_20261231_235959_999',
      'a_20270101_000000_000',
      'b_20261231_235959_999',
    ]);
  });
});
