/**
 * The step graph with template references given explicitly. (In the loader, references come from
 * the expression engine; here they are written out so the graph rules are tested on their own.)
 */
import { describe, expect, it } from 'vitest';
import { DiagnosticCollector } from './diagnostics.js';
import { appendPointer } from './json-pointer.js';
import { loadWorkflows } from './loader.js';
import type { ExecutionStrategy, Step, Workflow } from './model.js';
import { analyzeStepGraph, childStepLists, type StepReference } from './step-graph.js';

function load(text: string): Workflow {
  const result = loadWorkflows(text);
  expect(result.diagnostics).toEqual([]);
  return result.value![0]!;
}

function walk(steps: readonly Step[]): Step[] {
  return steps.flatMap((step) => [step, ...childStepLists(step).flatMap((list) => walk(list.steps))]);
}

function analyze(
  workflow: Workflow,
  references: StepReference[],
  strategy: ExecutionStrategy = workflow.strategy,
) {
  const diagnostics = new DiagnosticCollector({ strict: false });
  const declared = walk(workflow.steps).map((step) => ({
    id: step.id,
    pointer: appendPointer(step.source.pointer, 'id'),
  }));
  analyzeStepGraph(workflow.steps, '/workflows/0/steps', strategy, references, declared, diagnostics);
  return diagnostics.toArray();
}

const ref = (from: string | undefined, target: string, pointer = `/ref/${from}/${target}`): StepReference =>
  from === undefined ? { target, pointer } : { from, target, pointer };

const flow = `workflows:
  - name: w
    steps:
      - {id: fetch, type: wait, duration: 1s}
      - id: check
        type: if
        condition: "{{ inputs.x }}"
        then:
          - {id: hot, type: wait, duration: 1s}
          - {id: hotter, type: wait, duration: 1s}
        else:
          - {id: cold, type: wait, duration: 1s}
      - id: guarded
        type: try
        steps:
          - {id: call, type: wait, duration: 1s}
        catch:
          - {id: recover, type: wait, duration: 1s}
        finally:
          - {id: cleanup, type: wait, duration: 1s}
      - id: group
        parallel:
          - {id: left, type: wait, duration: 1s}
          - {id: right, type: wait, duration: 1s}
      - {id: report, type: wait, duration: 1s}
`;

describe('template references', () => {
  it('become dependsOn edges between the ancestors that share a list', () => {
    const workflow = load(flow);
    expect(
      analyze(workflow, [
        ref('report', 'hot'),
        ref('hotter', 'hot'),
        ref('report', 'left'),
        ref('check', 'fetch'),
      ]),
    ).toEqual([]);
    const byId = new Map(walk(workflow.steps).map((step) => [step.id, step]));
    expect(byId.get('report')?.dependsOn).toEqual(['check', 'group']);
    expect(byId.get('hotter')?.dependsOn).toEqual(['hot']);
    expect(byId.get('check')?.dependsOn).toEqual(['fetch']);
    expect(byId.get('hot')?.dependsOn).toEqual([]);
  });

  it('a reference from a nested step to an outer one is an edge of its enclosing step', () => {
    const workflow = load(flow);
    expect(analyze(workflow, [ref('cold', 'fetch')])).toEqual([]);
    expect(walk(workflow.steps).find((step) => step.id === 'check')?.dependsOn).toEqual(['fetch']);
  });

  it('OW_UNKNOWN_STEP_REFERENCE for steps and for workflow outputs', () => {
    const diagnostics = analyze(load(flow), [ref('report', 'ghost', '/a'), ref(undefined, 'phantom', '/b')]);
    expect(diagnostics.map((item) => [item.code, item.pointer])).toEqual([
      ['OW_UNKNOWN_STEP_REFERENCE', '/a'],
      ['OW_UNKNOWN_STEP_REFERENCE', '/b'],
    ]);
  });

  it('OW_FORWARD_REFERENCE for a later sibling under sequential, an edge under dag', () => {
    const workflow = load(flow);
    const sequential = analyze(workflow, [ref('fetch', 'report', '/x')]);
    expect(sequential.map((item) => [item.code, item.pointer])).toEqual([['OW_FORWARD_REFERENCE', '/x']]);
    expect(sequential[0]?.message).toContain('runs after "fetch"');
    expect(analyze(workflow, [ref('fetch', 'report')], 'dag')).toEqual([]);
    expect(workflow.steps[0]?.dependsOn).toEqual(['report']);
  });

  it('OW_FORWARD_REFERENCE for a step reading its own subtree or an enclosing step', () => {
    const diagnostics = analyze(load(flow), [
      ref('check', 'hot', '/own'),
      ref('hot', 'check', '/enclosing'),
      ref('fetch', 'fetch', '/self'),
    ]);
    expect(diagnostics.map((item) => [item.code, item.pointer])).toEqual([
      ['OW_FORWARD_REFERENCE', '/own'],
      ['OW_FORWARD_REFERENCE', '/enclosing'],
      ['OW_FORWARD_REFERENCE', '/self'],
    ]);
  });

  it('OW_CROSS_BRANCH_REFERENCE between if branches; try catch/finally may read the body', () => {
    const diagnostics = analyze(load(flow), [
      ref('cold', 'hot', '/cross'),
      ref('recover', 'call'),
      ref('cleanup', 'call'),
      ref('cleanup', 'recover'),
      ref('call', 'recover', '/backwards'),
    ]);
    expect(diagnostics.map((item) => [item.code, item.pointer])).toEqual([
      ['OW_CROSS_BRANCH_REFERENCE', '/cross'],
      ['OW_CROSS_BRANCH_REFERENCE', '/backwards'],
    ]);
  });

  it('OW_CONCURRENT_REFERENCE between children of a parallel group', () => {
    const diagnostics = analyze(load(flow), [ref('right', 'left', '/race')]);
    expect(diagnostics.map((item) => [item.code, item.pointer])).toEqual([
      ['OW_CONCURRENT_REFERENCE', '/race'],
    ]);
  });

  it('OW_DEPENDENCY_CYCLE from references under dag, naming the path once', () => {
    const workflow = load(flow);
    const diagnostics = analyze(
      workflow,
      [ref('fetch', 'report'), ref('report', 'group'), ref('group', 'fetch')],
      'dag',
    );
    expect(diagnostics.map((item) => item.code)).toEqual(['OW_DEPENDENCY_CYCLE']);
    expect(diagnostics[0]?.message).toContain('fetch → report → group → fetch');
  });
});
