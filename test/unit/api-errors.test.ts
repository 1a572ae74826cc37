import { describe, expect, it } from 'vitest';
import { isUnavailable, postgresErrorCode } from '../../api/errors';

describe('telling outages from bad requests', () => {
  it('recognises a dead database or workflow engine however it is wrapped', () => {
    const refused = Object.assign(new Error('Failed query: select 1\nparams: : connect ECONNREFUSED 127.0.0.1:5432'), { cause: { type: 'error', error: { message: 'x' } } });
    expect(isUnavailable(refused)).toBe(true);
    expect(isUnavailable({ message: 'Failed query', cause: { type: 'error', error: Object.assign(new Error('boom'), { code: 'ECONNRESET' }) } })).toBe(true);
    expect(isUnavailable(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(true);
    expect(isUnavailable({ name: 'ServiceError', message: '14 UNAVAILABLE: no connection' })).toBe(true);
  });

  it('does not mistake a constraint violation or a bug for an outage', () => {
    expect(isUnavailable(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }))).toBe(false);
    expect(isUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(postgresErrorCode({ message: 'Failed query', cause: { code: '23503' } })).toBe('23503');
    expect(postgresErrorCode(new Error('no code'))).toBeNull();
  });
});
