/**
 * Templates in workflows are checked with @openworkflow/expressions: syntax and sandbox rules, the
 * roots available at each place, and the `steps.<id>` references that feed the step graph.
 */
import { describe, expect, it } from 'vitest';
import { codesOf, expectDiagnostic, positionOf, workflowText } from '../test/expect-diagnostic.js';
import { loadWorkflows } from './loader.js';

const workflow = workflowText;

const agentStep = (id: string, input: string, more = ''): string =>
  `- id: ${id}\n  agent: agent:acme/bot@1.0.0\n  input: ${input}${more}`;

describe('template problems', () => {
  it('OW_EXPRESSION_INVALID at the exact column of a one-line string', () => {
    const text = workflow(agentStep('a', '{x: "total {{ 1 + }}"}'));
    expectDiagnostic(loadWorkflows(text), {
      code: 'OW_EXPRESSION_INVALID',
      pointer: '/workflows/0/steps/0/input/x',
      ...positionOf(text, '}}"}'),
      message: 'EXPR_SYNTAX',
    });
  });

  it('OW_EXPRESSION_INVALID in a block scalar is placed at the string, with the template position', () => {
    const text = workflow(agentStep('a', '\n    x: |\n      line one\n      {{ nope( }}'));
    const diagnostic = expectDiagnostic(loadWorkflows(text), {
      code: 'OW_EXPRESSION_INVALID',
      pointer: '/workflows/0/steps/0/input/x',
      ...positionOf(text, '|'),
    });
    expect(diagnostic.message).toMatch(/\(template line 2, column \d+\)$/);
  });

  it('a condition must be one expression, and unknown functions and whole-secrets reads are rejected', () => {
    const text = workflow(
      `${agentStep('a', '{all: "{{ secrets }}", x: "{{ shout(inputs.a) }}"}')}\n  condition: "{{ inputs.a }} and {{ inputs.b }}"`,
    );
    const result = loadWorkflows(text);
    expectDiagnostic(result, {
      code: 'OW_EXPRESSION_INVALID',
      pointer: '/workflows/0/steps/0/condition',
      message: 'EXPR_CONDITION_SHAPE',
    });
    expectDiagnostic(result, {
      code: 'OW_EXPRESSION_INVALID',
      pointer: '/workflows/0/steps/0/input/all',
      message: 'EXPR_SECRET_DUMP',
    });
    expectDiagnostic(result, {
      code: 'OW_EXPRESSION_INVALID',
      pointer: '/workflows/0/steps/0/input/x',
      message: 'EXPR_UNKNOWN_FUNCTION',
    });
  });

  it('the spec examples’ templates are valid: Jinja blocks, filters, or as a value', () => {
    const text = workflow(
      `${agentStep('a', '{q: 1}')}\n${agentStep('b', '{t: "{% for w in steps.a.output %}{{ w.temp | round(1) }}{% endfor %}", e: "{{ steps.a.error or steps.a.status }}"}')}`,
    );
    expect(loadWorkflows(text).diagnostics).toEqual([]);
  });
});

describe('roots available at each place (OW_EXPRESSION_FORBIDDEN_ROOT)', () => {
  it('secrets: in step inputs, not in conditions or workflow outputs (SEC-11)', () => {
    const text = workflow(
      `${agentStep('a', '{token: "{{ secrets.API_TOKEN }}"}')}\n  condition: "{{ secrets.FLAG }}"`,
      '    outputs: {leak: {value: "{{ secrets.API_TOKEN }}"}}\n',
    );
    const result = loadWorkflows(text);
    expect(codesOf(result)).toEqual(['OW_EXPRESSION_FORBIDDEN_ROOT', 'OW_EXPRESSION_FORBIDDEN_ROOT']);
    expectDiagnostic(result, {
      code: 'OW_EXPRESSION_FORBIDDEN_ROOT',
      pointer: '/workflows/0/outputs/leak/value',
      ...positionOf(text, 'secrets.API_TOKEN }}"}}'),
    });
    expectDiagnostic(result, {
      code: 'OW_EXPRESSION_FORBIDDEN_ROOT',
      pointer: '/workflows/0/steps/0/condition',
      ...positionOf(text, 'secrets.FLAG'),
    });
  });

  it('item: in a for_each step’s fields and inside forEach bodies, not elsewhere', () => {
    const looped = `${agentStep('a', '{city: "{{ item }}", at: "{{ index }}"}')}\n  for_each: "{{ inputs.cities }}"`;
    const body = `- id: each\n  type: forEach\n  items: "{{ inputs.cities }}"\n  steps:\n${agentStep('inner', '{first: "{{ isFirst }}", city: "{{ item.name }}"}').replace(/^/gm, '    ')}`;
    expect(loadWorkflows(workflow(`${looped}\n${body}`)).diagnostics).toEqual([]);
    const outside = workflow(agentStep('b', '{city: "{{ item }}"}'));
    expectDiagnostic(loadWorkflows(outside), {
      code: 'OW_EXPRESSION_FORBIDDEN_ROOT',
      pointer: '/workflows/0/steps/0/input/city',
      ...positionOf(outside, 'item'),
    });
    // The skip condition is evaluated once, before the loop: no `item` there.
    const condition = workflow(`${looped}\n  condition: "{{ item }}"`);
    expectDiagnostic(loadWorkflows(condition), {
      code: 'OW_EXPRESSION_FORBIDDEN_ROOT',
      pointer: '/workflows/0/steps/0/condition',
    });
  });

  it('error: in catch and finally, not in the try body', () => {
    const text = workflow(
      `- id: t\n  type: try\n  steps:\n${agentStep('call', '{e: "{{ error.message }}"}').replace(/^/gm, '    ')}\n  catch:\n${agentStep('recover', '{e: "{{ error.code }}"}').replace(/^/gm, '    ')}\n  finally:\n${agentStep('done', '{n: "{{ error.attemptCount }}"}').replace(/^/gm, '    ')}`,
    );
    const result = loadWorkflows(text);
    expect(result.diagnostics.map((item) => [item.code, item.pointer])).toEqual([
      ['OW_EXPRESSION_FORBIDDEN_ROOT', '/workflows/0/steps/0/steps/0/input/e'],
    ]);
  });

  it('undefined roots such as `today` are rejected', () => {
    const text = workflow(agentStep('a', '{date: "{{ today }}"}'));
    expectDiagnostic(loadWorkflows(text), {
      code: 'OW_EXPRESSION_FORBIDDEN_ROOT',
      pointer: '/workflows/0/steps/0/input/date',
      ...positionOf(text, 'today'),
    });
  });
});

describe('step references from templates', () => {
  it('OW_UNKNOWN_STEP_REFERENCE, at the template', () => {
    const text = workflow(
      agentStep('a', '{x: "{{ steps.ghost.output }}"}'),
      '    outputs: {o: {value: "{{ steps.phantom.output }}"}}\n',
    );
    const result = loadWorkflows(text);
    expectDiagnostic(result, {
      code: 'OW_UNKNOWN_STEP_REFERENCE',
      pointer: '/workflows/0/steps/0/input/x',
      ...positionOf(text, 'steps.ghost'),
    });
    expectDiagnostic(result, { code: 'OW_UNKNOWN_STEP_REFERENCE', pointer: '/workflows/0/outputs/o/value' });
  });

  it('OW_FORWARD_REFERENCE under sequential; a dependsOn edge under dag', () => {
    const steps = `${agentStep('a', '{x: "{{ steps.b.output }}"}')}\n${agentStep('b', '{}')}`;
    const sequential = workflow(steps);
    expectDiagnostic(loadWorkflows(sequential), {
      code: 'OW_FORWARD_REFERENCE',
      pointer: '/workflows/0/steps/0/input/x',
      ...positionOf(sequential, 'steps.b'),
    });
    const dag = loadWorkflows(workflow(steps, '    strategy: dag\n'));
    expect(dag.diagnostics).toEqual([]);
    expect(dag.value?.[0]?.steps.map((step) => step.dependsOn)).toEqual([['b'], []]);
  });

  it('OW_DEPENDENCY_CYCLE through templates under dag', () => {
    const steps = `${agentStep('a', '{x: "{{ steps.b.output }}"}')}\n${agentStep('b', '{x: "{{ steps.a.output }}"}')}`;
    const result = loadWorkflows(workflow(steps, '    strategy: dag\n'));
    expectDiagnostic(result, {
      code: 'OW_DEPENDENCY_CYCLE',
      pointer: '/workflows/0/steps/0/id',
      line: 5,
      column: 13,
      message: 'a → b → a',
    });
  });

  it('OW_CROSS_BRANCH_REFERENCE between if branches', () => {
    const text = workflow(
      `- id: check\n  type: if\n  condition: "{{ inputs.x }}"\n  then:\n${agentStep('hot', '{}').replace(/^/gm, '    ')}\n  else:\n${agentStep('cold', '{t: "{{ steps.hot.output }}"}').replace(/^/gm, '    ')}`,
    );
    expectDiagnostic(loadWorkflows(text), {
      code: 'OW_CROSS_BRANCH_REFERENCE',
      pointer: '/workflows/0/steps/0/else/0/input/t',
    });
  });

  it('the weather example’s steps depend on the steps their templates read', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(new URL('../../../examples/weather/workflows.yaml', import.meta.url), 'utf8');
    const [report, alert, health] = loadWorkflows(text).value!;
    expect(report?.steps.map((step) => [step.id, step.dependsOn])).toEqual([
      ['fetch_weather', []],
      ['calculate_stats', ['fetch_weather']],
      ['format_report', ['fetch_weather', 'calculate_stats']],
      ['send_notification', ['format_report']],
    ]);
    expect(alert?.steps[2]?.dependsOn).toEqual(['find_alerts']);
    expect(health?.steps[2]?.dependsOn).toEqual(['check_health', 'test_weather_fetch']);
  });

  it('a legacy parallel group is read as a whole: steps.<group>.<child> depends on the group', () => {
    const text = `workflows:\n  - name: w\n    steps:\n      - name: group\n        parallel:\n          - {name: a, connector: "connector:x/y@1.0.0", action: go}\n      - name: b\n        connector: connector:x/y@1.0.0\n        action: go\n        input: {v: "{{ steps.group.a.output }}"}\n`;
    expect(loadWorkflows(text).value?.[0]?.steps[1]?.dependsOn).toEqual(['group']);
  });
});
