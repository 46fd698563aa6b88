import { ROLES, roleAtLeast, type Role } from './roles';

describe('roles', () => {
  it('are ordered viewer < trader < admin', () => {
    expect(ROLES).toEqual(['viewer', 'trader', 'admin']);
  });

  it.each<[Role, Role, boolean]>([
    ['viewer', 'viewer', true],
    ['viewer', 'trader', false],
    ['viewer', 'admin', false],
    ['trader', 'viewer', true],
    ['trader', 'trader', true],
    ['trader', 'admin', false],
    ['admin', 'viewer', true],
    ['admin', 'trader', true],
    ['admin', 'admin', true],
  ])('%s holds at least %s: %s', (held, required, expected) => {
    expect(roleAtLeast(held, required)).toBe(expected);
  });
});
