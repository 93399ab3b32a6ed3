/**
 * The step graph of one workflow: step ids, `needs`, template references and the resulting
 * `dependsOn` edges (spec/workflows.md#execution-order).
 *
 * Every step lives in a step list (the workflow's `steps`, an `if` branch, a forEach body, …). Edges
 * only connect siblings of one list: a reference from deep inside a step's subtree to a step outside
 * it becomes an edge between the two ancestors that share a list.
 */
import type { DiagnosticCollector } from './diagnostics.js';
import { appendPointer } from './json-pointer.js';
import type { ExecutionStrategy, Step } from './model.js';
import type { DeclaredStep } from './normalize-context.js';
import type { SourcePosition } from './source-positions.js';

/** A template in a step's own fields reads `steps.<target>`. */
export interface StepReference {
  /** The step holding the template; absent for workflow outputs. */
  readonly from?: string;
  readonly target: string;
  /** Where the template is. */
  readonly pointer: string;
  /** Where the reference itself is, when the template's string maps onto the file exactly. */
  readonly position?: SourcePosition;
}

interface StepList {
  readonly key: string;
  readonly role: string;
  /** Children of a legacy parallel group run at the same time. */
  readonly concurrent: boolean;
  readonly owner?: Step;
  readonly steps: readonly Step[];
}

interface Placement {
  readonly step: Step;
  readonly list: StepList;
  readonly index: number;
  /** From the workflow's list down to this step: the list and index at each level. */
  readonly path: readonly { readonly list: StepList; readonly index: number }[];
}

/** Report options placing a diagnostic at the reference itself when its position is known. */
function at(reference: StepReference): { position?: SourcePosition } {
  return reference.position === undefined ? {} : { position: reference.position };
}

/** The nested step lists of a step, with the role each one plays. */
export function childStepLists(step: Step): { role: string; steps: readonly Step[]; concurrent: boolean }[] {
  switch (step.type) {
    case 'if':
      return [
        { role: 'then', steps: step.then, concurrent: false },
        { role: 'else', steps: step.else, concurrent: false },
      ];
    case 'switch':
      return [
        ...step.cases.map((item) => ({ role: `case:${item.key}`, steps: item.steps, concurrent: false })),
        ...(step.default !== undefined ? [{ role: 'default', steps: step.default, concurrent: false }] : []),
      ];
    case 'forEach':
      return [{ role: 'steps', steps: step.steps, concurrent: false }];
    case 'parallel':
      return step.branches.map((branch) => ({
        role: `branch:${branch.name}`,
        steps: branch.steps,
        concurrent: false,
      }));
    case 'parallel-group':
      return [{ role: 'parallel', steps: step.steps, concurrent: true }];
    case 'try':
      return [
        { role: 'steps', steps: step.steps, concurrent: false },
        ...(step.catch !== undefined ? [{ role: 'catch', steps: step.catch, concurrent: false }] : []),
        ...(step.finally !== undefined ? [{ role: 'finally', steps: step.finally, concurrent: false }] : []),
      ];
    default:
      return [];
  }
}

/**
 * Checks ids, `needs` and references of one workflow and fills in each step's `dependsOn`.
 * Under `strategy: sequential` a dependency on a later sibling is an error; under `dag` the edges
 * must not form a cycle.
 */
export function analyzeStepGraph(
  steps: readonly Step[],
  listPointer: string,
  strategy: ExecutionStrategy,
  references: readonly StepReference[],
  declared: readonly DeclaredStep[],
  diagnostics: DiagnosticCollector,
): void {
  const placements = new Map<string, Placement>();
  const lists: StepList[] = [];
  const edges = new Map<Step, Set<Step>>();

  // Ids are checked over every declared step, including ones too malformed to load.
  const declaredAt = new Map<string, string>();
  for (const { id, pointer } of declared) {
    const first = declaredAt.get(id);
    if (first === undefined) {
      declaredAt.set(id, pointer);
    } else {
      diagnostics.report(
        'OW_DUPLICATE_STEP_ID',
        pointer,
        `Step id "${id}" is already used at ${first}; ids are unique across the whole workflow`,
      );
    }
  }
  const idPointer = (step: Step): string => declaredAt.get(step.id) ?? step.source.pointer;

  const place = (list: StepList, path: Placement['path']): void => {
    lists.push(list);
    list.steps.forEach((step, index) => {
      const here = [...path, { list, index }];
      if (!placements.has(step.id)) placements.set(step.id, { step, list, index, path: here });
      for (const child of childStepLists(step)) {
        place({ key: `${step.source.pointer}|${child.role}`, ...child, owner: step }, here);
      }
    });
  };
  place({ key: listPointer, role: 'steps', concurrent: false, steps }, []);

  const addEdge = (from: Step, to: Step): void => {
    const targets = edges.get(from) ?? new Set<Step>();
    edges.set(from, targets);
    targets.add(to);
  };

  // needs: explicit edges between siblings.
  for (const placement of placements.values()) {
    const { step } = placement;
    step.needs.forEach((name, index) => {
      const pointer = appendPointer(step.source.pointer, 'needs', index);
      const target = placements.get(name);
      if (name === step.id) {
        diagnostics.report('OW_NEEDS_SELF', pointer, `Step "${step.id}" cannot need itself`);
      } else if (!declaredAt.has(name)) {
        diagnostics.report('OW_NEEDS_UNKNOWN_STEP', pointer, `"${name}" is not a step of this workflow`);
      } else if (target === undefined) {
        // The step exists but did not load; its own diagnostics explain why.
      } else if (target.list !== placement.list) {
        diagnostics.report(
          'OW_NEEDS_NOT_SIBLING',
          pointer,
          `"${name}" is not in the same step list as "${step.id}"; needs only orders siblings`,
        );
      } else if (placement.list.concurrent) {
        diagnostics.report(
          'OW_CONCURRENT_REFERENCE',
          pointer,
          `The children of a parallel group run at the same time; "${step.id}" cannot wait for "${name}"`,
        );
      } else if (strategy === 'sequential' && target.index > placement.index) {
        diagnostics.report(
          'OW_FORWARD_REFERENCE',
          pointer,
          `"${step.id}" needs "${name}", which runs after it under strategy: sequential`,
        );
      } else {
        addEdge(step, target.step);
      }
    });
  }

  // Template references: an edge between the ancestors that share a list.
  for (const reference of references) {
    const target = placements.get(reference.target);
    if (!declaredAt.has(reference.target)) {
      diagnostics.report(
        'OW_UNKNOWN_STEP_REFERENCE',
        reference.pointer,
        `steps.${reference.target} does not name a step of this workflow`,
        at(reference),
      );
      continue;
    }
    const source = reference.from === undefined ? undefined : placements.get(reference.from);
    if (source === undefined || target === undefined) continue;
    const a = source.path;
    const b = target.path;
    let depth = 0;
    while (
      depth < a.length &&
      depth < b.length &&
      a[depth]!.list === b[depth]!.list &&
      a[depth]!.index === b[depth]!.index
    ) {
      depth += 1;
    }
    if (depth === a.length || depth === b.length) {
      diagnostics.report(
        'OW_FORWARD_REFERENCE',
        reference.pointer,
        `"${source.step.id}" reads steps.${reference.target}, which ${depth === a.length ? 'is nested in it' : 'encloses it'} and has not finished when the template is rendered`,
        at(reference),
      );
      continue;
    }
    const here = a[depth]!;
    const there = b[depth]!;
    if (here.list === there.list) {
      const from = here.list.steps[here.index]!;
      const to = here.list.steps[there.index]!;
      if (here.list.concurrent) {
        diagnostics.report(
          'OW_CONCURRENT_REFERENCE',
          reference.pointer,
          `"${from.id}" and "${to.id}" are children of one parallel group and run at the same time`,
          at(reference),
        );
      } else if (strategy === 'sequential' && there.index > here.index) {
        diagnostics.report(
          'OW_FORWARD_REFERENCE',
          reference.pointer,
          `steps.${reference.target} runs after "${source.step.id}" under strategy: sequential`,
          at(reference),
        );
      } else {
        addEdge(from, to);
      }
      continue;
    }
    // Different lists of one enclosing step: only try's catch/finally may read what ran before them.
    const owner = here.list.owner;
    const allowed =
      owner?.type === 'try' &&
      ((here.list.role !== 'steps' && there.list.role === 'steps') ||
        (here.list.role === 'finally' && there.list.role === 'catch'));
    if (!allowed) {
      diagnostics.report(
        'OW_CROSS_BRANCH_REFERENCE',
        reference.pointer,
        `steps.${reference.target} is in another branch of "${owner?.id ?? '?'}" than "${source.step.id}" and never runs before it`,
        at(reference),
      );
    }
  }

  for (const list of lists) {
    for (const step of list.steps) {
      const targets = edges.get(step);
      const ordered = targets === undefined ? [] : list.steps.filter((sibling) => targets.has(sibling));
      (step as { dependsOn: readonly string[] }).dependsOn = ordered.map((sibling) => sibling.id);
    }
    if (strategy === 'dag') reportCycles(list, edges, diagnostics, idPointer);
  }
}

/** Reports each cycle among one list's steps once, naming the path. */
function reportCycles(
  list: StepList,
  edges: ReadonlyMap<Step, ReadonlySet<Step>>,
  diagnostics: DiagnosticCollector,
  idPointer: (step: Step) => string,
): void {
  const state = new Map<Step, 'active' | 'done'>();
  const stack: Step[] = [];
  const visit = (step: Step): void => {
    state.set(step, 'active');
    stack.push(step);
    for (const next of edges.get(step) ?? []) {
      const seen = state.get(next);
      if (seen === 'active') {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        diagnostics.report(
          'OW_DEPENDENCY_CYCLE',
          idPointer(next),
          `Steps depend on each other in a cycle: ${cycle.map((item) => item.id).join(' → ')}`,
        );
      } else if (seen === undefined) {
        visit(next);
      }
    }
    stack.pop();
    state.set(step, 'done');
  };
  for (const step of list.steps) if (!state.has(step)) visit(step);
}
