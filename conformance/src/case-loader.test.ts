import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CASES_DIRECTORY, loadSuite } from './case-loader.js';
import { SuiteError, type SuiteProblem } from './suite-error.js';

const CATALOG = 'alpha:\n  title: Alpha\n  description: Test profile\n';
const VALID = `id: good
requirement: OW-ALPHA-001
title: A valid case
spec: spec/execution.md#outputs
behaviour:
  greet: echo
documents:
  - name: workflows.yaml
    content: |
      url: "@@BEHAVIOUR@@/greet"
run:
  workflow: W
expect:
  status: success
  behaviour:
    calls: {greet: 1}
`;

/** Writes a case directory with one case file and returns the problems of loading it. */
function problemsOf(file: string, text: string): readonly SuiteProblem[] {
  const root = mkdtempSync(join(tmpdir(), 'owc-cases-'));
  writeFileSync(join(root, 'profiles.yaml'), CATALOG);
  mkdirSync(join(root, 'alpha'));
  writeFileSync(join(root, 'alpha', file), text);
  try {
    loadSuite([root]);
    return [];
  } catch (error) {
    if (!SuiteError.is(error)) throw error;
    expect(error.code).toBe('CASE_INVALID');
    return error.problems;
  }
}

describe('loadSuite', () => {
  it('loads every shipped case and the profile catalog', () => {
    const { profiles, cases } = loadSuite([fileURLToPath(BUILTIN_CASES_DIRECTORY)]);
    expect([...profiles.keys()]).toEqual(expect.arrayContaining(['minimal', 'core', 'loader']));
    expect(profiles.get('core')?.implies).toEqual(['minimal']);
    expect(cases.filter((c) => c.profile === 'minimal').length).toBeGreaterThanOrEqual(20);
    for (const c of cases) expect(c.requirement.startsWith(`OW-${c.profile.toUpperCase()}-`)).toBe(true);
  });

  it('normalises a valid case, deriving the capabilities it needs', () => {
    const root = mkdtempSync(join(tmpdir(), 'owc-cases-'));
    writeFileSync(join(root, 'profiles.yaml'), CATALOG);
    mkdirSync(join(root, 'alpha'));
    writeFileSync(
      join(root, 'alpha', 'good.yaml'),
      VALID.replace(
        '  workflow: W\n',
        '  workflow: W\n  script:\n    - on: {type: run.started}\n      cancel: {}\n',
      ),
    );
    const [loaded] = loadSuite([root]).cases;
    expect(loaded).toMatchObject({
      id: 'good',
      profile: 'alpha',
      status: 'final',
      clock: 'real',
      spec: ['spec/execution.md#outputs'],
      requires: ['cancel'],
      behaviour: { greet: { sequence: [{ kind: 'echo', envelope: true, delayMs: 0 }] } },
    });
    expect(loaded?.mode).toMatchObject({
      kind: 'run',
      run: { inputs: {}, script: [{ action: { kind: 'cancel' } }] },
    });
  });

  it('reports YAML syntax errors with line and column', () => {
    const [problem] = problemsOf('good.yaml', 'id: good\ntitle: [unclosed\n');
    expect(problem).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
    expect(problem?.file).toMatch(/good\.yaml$/);
  });

  it('reports schema violations at the line of the offending node', () => {
    const problems = problemsOf('good.yaml', VALID.replace('  status: success', '  status: succeeded'));
    expect(problems).toEqual([
      expect.objectContaining({
        line: 14,
        column: 11,
        pointer: '/expect/status',
        message: expect.stringMatching(/^must be one of/),
      }),
    ]);
    const unknown = problemsOf('good.yaml', `${VALID}surprise: true\n`);
    expect(unknown[0]).toMatchObject({ pointer: '/', message: 'unknown property "surprise"' });
  });

  it('requires a draft to say why', () => {
    const problems = problemsOf('good.yaml', VALID.replace('title:', 'status: draft\ntitle:'));
    expect(problems.map((p) => p.message)).toContain('missing required property "draftReason"');
  });

  it('enforces the rules a schema cannot express', () => {
    expect(problemsOf('other-name.yaml', VALID)[0]?.message).toMatch(
      /must equal the file name other-name\.yaml/,
    );
    expect(problemsOf('good.yaml', VALID.replace('OW-ALPHA-001', 'OW-BETA-001'))[0]).toMatchObject({
      line: 2,
      message: expect.stringContaining('must start with OW-ALPHA-'),
    });
    expect(problemsOf('good.yaml', VALID.replace('@@BEHAVIOUR@@', '@@BEHAVIOR@@'))[0]?.message).toBe(
      'unknown placeholder @@BEHAVIOR@@',
    );
    expect(problemsOf('good.yaml', VALID.replace('{greet: 1}', '{greet: {$gteq: 1}}'))[0]?.message).toMatch(
      /unknown matcher \$gteq/,
    );
    expect(problemsOf('good.yaml', VALID.replace('{greet: 1}', '{gret: 1}'))[0]?.message).toBe(
      'route gret is not declared under behaviour',
    );
    expect(problemsOf('good.yaml', VALID.replace('  status: success', '  valid: true'))[0]?.message).toBe(
      'expect.valid does not apply to a run case',
    );
  });

  it('refuses a case directory that is not a known profile', () => {
    const root = mkdtempSync(join(tmpdir(), 'owc-cases-'));
    writeFileSync(join(root, 'profiles.yaml'), CATALOG);
    mkdirSync(join(root, 'mystery'));
    expect(() => loadSuite([root])).toThrow(SuiteError);
  });

  it('accepts a script entry that fires on a behaviour call, and refuses one naming an undeclared route', () => {
    const withTrigger = (route: string) =>
      VALID.replace(
        '  workflow: W\n',
        `  workflow: W\n  script:\n    - on: { call: ${route} }\n      cancel: { reason: stop }\n`,
      );
    expect(problemsOf('good.yaml', withTrigger('greet'))).toEqual([]);
    const problems = problemsOf('good.yaml', withTrigger('nowhere'));
    expect(problems.map((p) => p.message)).toContain('route nowhere is not declared under behaviour');
  });
});
