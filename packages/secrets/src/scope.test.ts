// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests write secret definitions in the ${…} syntax
import { describe, expect, it } from 'vitest';
import { matchesResource, parseSecretDefinitions, scopeAllows } from './scope.js';

describe('matchesResource', () => {
  it('matches version-less ids against every version, and exact versions exactly', () => {
    expect(matchesResource('connector:community/database', 'connector:community/database@1.2.0')).toBe(true);
    expect(matchesResource('connector:community/database@1.0.0', 'connector:community/database@1.0.0')).toBe(
      true,
    );
    expect(matchesResource('connector:community/database@1.0.0', 'connector:community/database@1.0.1')).toBe(
      false,
    );
    expect(matchesResource('connector:community/database', 'connector:other/database@1.0.0')).toBe(false);
    expect(matchesResource('connector:community/database', 'workflow:community/database')).toBe(false);
    expect(matchesResource('workflow:acme/etl', 'workflow:acme/etl-v2')).toBe(false);
  });

  it('fails closed for a namespaced pattern when only the bare name is known', () => {
    expect(matchesResource('workflow:openworkflow/data-pipeline', 'data-pipeline')).toBe(false);
    expect(matchesResource('data-pipeline', 'data-pipeline')).toBe(true);
    expect(matchesResource('workflow:data-pipeline', 'workflow:openworkflow/data-pipeline@2.0.0')).toBe(true);
  });
});

describe('scopeAllows (spec §13.4)', () => {
  const scope = {
    connectors: ['connector:community/database@1.0.0'],
    workflows: ['workflow:openworkflow/data-pipeline'],
  };

  it('allows everyone when there is no scope', () => {
    expect(scopeAllows(undefined, { kind: 'workflow', workflow: 'anything' })).toBe(true);
    expect(scopeAllows({ connectors: [], workflows: [] }, { kind: 'workflow', workflow: 'anything' })).toBe(
      true,
    );
  });

  it('allows listed workflows and the handlers of listed connectors, nobody else', () => {
    expect(
      scopeAllows(scope, { kind: 'workflow', workflow: 'workflow:openworkflow/data-pipeline@3.1.0' }),
    ).toBe(true);
    expect(scopeAllows(scope, { kind: 'workflow', workflow: 'workflow:openworkflow/reporting' })).toBe(false);
    expect(
      scopeAllows(scope, {
        kind: 'connector',
        connector: 'connector:community/database@1.0.0',
        workflow: 'workflow:x/y',
      }),
    ).toBe(true);
    expect(
      scopeAllows(scope, {
        kind: 'connector',
        connector: 'connector:community/http@1.0.0',
        workflow: 'workflow:x/y',
      }),
    ).toBe(false);
    // A workflow template may not read a connector-only secret.
    expect(
      scopeAllows({ connectors: scope.connectors }, { kind: 'workflow', workflow: 'workflow:x/y' }),
    ).toBe(false);
  });
});

describe('parseSecretDefinitions', () => {
  it('reads the spec §13.4 block', () => {
    expect(
      parseSecretDefinitions({
        DB: {
          value: '${env.DB_PASSWORD}',
          scope: {
            connectors: ['connector:community/database@1.0.0'],
            workflows: ['workflow:openworkflow/data-pipeline'],
          },
          rotation: { interval: 90, notifyBefore: 7 },
        },
        PLAIN: {},
      }),
    ).toEqual({
      DB: {
        key: 'DB_PASSWORD',
        scope: {
          connectors: ['connector:community/database@1.0.0'],
          workflows: ['workflow:openworkflow/data-pipeline'],
        },
        rotation: { interval: 90, notifyBefore: 7 },
      },
      PLAIN: {},
    });
  });

  it('refuses literal values and malformed entries with a JSON pointer, never echoing the value', () => {
    const literal = (() => {
      try {
        parseSecretDefinitions({ DB: { value: 'hunter2-literal' } });
      } catch (error) {
        return error;
      }
    })();
    expect(literal).toMatchObject({ code: 'VALIDATION', details: { pointer: '/secrets/DB/value' } });
    expect(JSON.stringify(literal)).not.toContain('hunter2');
    expect(() => parseSecretDefinitions({ 'a/b': { scope: { workflows: 'x' } } })).toThrowError(
      expect.objectContaining({ details: { pointer: '/secrets/a~1b/scope/workflows' } }),
    );
    expect(() => parseSecretDefinitions({ A: { rotation: { interval: -1 } } })).toThrowError(
      expect.objectContaining({ details: { pointer: '/secrets/A/rotation/interval' } }),
    );
    expect(() => parseSecretDefinitions([1])).toThrowError(expect.objectContaining({ code: 'VALIDATION' }));
  });
});
