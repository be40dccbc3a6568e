import { isDatabaseUnavailable } from '../../src/database/database-unavailable';

describe('isDatabaseUnavailable', () => {
  it('recognises a refused connection by its code', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
  });

  it('recognises a terminated connection wrapped by TypeORM', () => {
    expect(isDatabaseUnavailable({ message: 'query failed', driverError: new Error('Connection terminated unexpectedly') })).toBe(true);
    expect(isDatabaseUnavailable(new Error('duplicate key value violates unique constraint'))).toBe(false);
  });
});
