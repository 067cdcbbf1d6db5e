import { describe, expect, it } from 'vitest';
import { personOf } from '../../../src/http/browser/person.js';

const config = { organisationClaim: 'kommunkod', roleClaim: 'roles' };

describe('personOf: the person an ID token describes', () => {
  it('takes the subject, name, municipality code and roles (array or space-separated string)', () => {
    expect(personOf({ sub: 's1', name: 'Karin', kommunkod: '1880', roles: ['a', 'b'] }, config)).toEqual({
      subject: 's1',
      name: 'Karin',
      organisation: '1880',
      roles: ['a', 'b'],
    });
    expect(personOf({ sub: 's1', roles: 'a  b' }, config)?.roles).toEqual(['a', 'b']);
  });

  it('reads a dotted path, but an exact key with dots first', () => {
    const keycloak = { sub: 's', realm_access: { roles: ['lss-handlaggare'] } };
    expect(personOf(keycloak, { ...config, roleClaim: 'realm_access.roles' })?.roles).toEqual([
      'lss-handlaggare',
    ]);
    const both = { sub: 's', 'realm_access.roles': ['exact'], realm_access: { roles: ['nested'] } };
    expect(personOf(both, { ...config, roleClaim: 'realm_access.roles' })?.roles).toEqual(['exact']);
  });

  it('has no organisation for a code that is not four digits, no roles for other shapes, and no person without sub', () => {
    expect(personOf({ sub: 's', kommunkod: 1880, roles: { a: 1 } }, config)).toMatchObject({
      organisation: null,
      roles: [],
      name: 's',
    });
    expect(personOf({ name: 'x' }, config)).toBeNull();
  });
});
