import { describe, expect, it } from 'vitest';
import type { ConformanceCase, ProfileDefinition } from './case-types.js';
import { expandProfiles, gate, selectsCase } from './gates.js';

const profile = (id: string, implies: string[] = []): [string, ProfileDefinition] => [
  id,
  { id, title: id, description: id, implies, textOnly: false },
];
const catalog = new Map([profile('minimal'), profile('core', ['minimal']), profile('errors', ['core'])]);

const testCase = (overrides: Partial<ConformanceCase>) =>
  ({
    id: 'retry',
    profile: 'errors',
    requirement: 'OW-ERRORS-001',
    status: 'final',
    requires: [],
    ...overrides,
  }) as ConformanceCase;

describe('expandProfiles', () => {
  it('adds what the claimed profiles imply, transitively, and drops unknown ones', () => {
    expect(expandProfiles(['errors', 'quantum'], catalog)).toEqual(['core', 'errors', 'minimal']);
    expect(expandProfiles([], catalog)).toEqual([]);
  });
});

describe('gate', () => {
  const claimed = ['core', 'errors', 'minimal'];

  it('checks the claim before anything the suite knows about itself', () => {
    expect(gate(testCase({ profile: 'secrets', status: 'draft' }), claimed, {})).toEqual({
      disposition: 'inapplicable',
      reason: 'the target does not claim profile secrets',
    });
  });

  it('blocks drafts and cases needing a capability the target lacks', () => {
    expect(gate(testCase({ status: 'draft', draftReason: 'open' }), claimed, {})?.disposition).toBe(
      'blocked',
    );
    expect(gate(testCase({ requires: ['cancel', 'virtualTime'] }), claimed, { cancel: true })).toEqual({
      disposition: 'blocked',
      reason: 'the target lacks capability virtualTime',
    });
    expect(gate(testCase({ requires: ['cancel'] }), claimed, { cancel: true })).toBeUndefined();
  });
});

describe('selectsCase', () => {
  it('matches substrings of the name or requirement, or globs over the whole name', () => {
    const c = testCase({});
    expect(selectsCase(c, {})).toBe(true);
    expect(selectsCase(c, { filters: ['errors/re'] })).toBe(true);
    expect(selectsCase(c, { filters: ['ERRORS-001'] })).toBe(true);
    expect(selectsCase(c, { filters: ['*/ret?y'] })).toBe(true);
    expect(selectsCase(c, { filters: ['*/retr'] })).toBe(false);
    expect(selectsCase(c, { filters: ['nope', 'retry'] })).toBe(true);
    expect(selectsCase(c, { profiles: ['core'] })).toBe(false);
  });
});
