import type { Step, Workflow } from '@openworkflow/schemas';
import { childStepLists } from '@openworkflow/schemas';
import { planStages } from './plan-stages.js';
import { describeStep } from './workflow-summary.js';

/** The formats `openworkflow graph` draws. */
export type GraphFormat = 'mermaid' | 'dot' | 'ascii';

/**
 * One node per step, edges from core's planner. Nested step lists (branches, loop bodies, try
 * blocks) become clusters hanging off their owner, each planned with the workflow's strategy.
 */
interface GraphNode {
  readonly key: string;
  readonly step: Step;
  readonly children: readonly GraphCluster[];
}

interface GraphCluster {
  readonly key: string;
  readonly role: string;
  readonly nodes: readonly GraphNode[];
  /** Pairs of node keys. */
  readonly edges: readonly (readonly [string, string])[];
  /** Nodes with no dependency inside the cluster. */
  readonly entries: readonly string[];
}

function buildCluster(steps: readonly Step[], workflow: Workflow, key: string, role: string): GraphCluster {
  const { dependencies } = planStages(steps, workflow.strategy);
  const nodes = steps.map((step, index) => {
    const nodeKey = `${key}_${index}`;
    return {
      key: nodeKey,
      step,
      children: childStepLists(step)
        .filter((child) => child.steps.length > 0)
        .map((child, position) => buildCluster(child.steps, workflow, `${nodeKey}_${position}`, child.role)),
    };
  });
  const edges: [string, string][] = [];
  const entries: string[] = [];
  dependencies.forEach((from, to) => {
    if (from.length === 0) entries.push(nodes[to]!.key);
    for (const index of from) edges.push([nodes[index]!.key, nodes[to]!.key]);
  });
  return { key, role, nodes, edges, entries };
}

function label(step: Step): string {
  return `${step.id}\n${describeStep(step)}${step.loop === undefined ? '' : ' (for each)'}`;
}

/** Draws a workflow's step graph in the given format. */
export function renderGraph(workflow: Workflow, format: GraphFormat): string {
  const root = buildCluster(workflow.steps, workflow, 'n', 'steps');
  if (format === 'mermaid') return renderMermaid(workflow, root);
  if (format === 'dot') return renderDot(workflow, root);
  return renderAscii(workflow, root);
}

function mermaidText(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/\n/g, '<br/>');
}

function renderMermaid(workflow: Workflow, root: GraphCluster): string {
  const lines = ['flowchart TD', `  %% ${workflow.name.replace(/\n/g, ' ')}`];
  const emit = (cluster: GraphCluster, indent: string) => {
    for (const node of cluster.nodes) {
      lines.push(`${indent}${node.key}["${mermaidText(label(node.step))}"]`);
      for (const child of node.children) {
        lines.push(`${indent}subgraph ${child.key} ["${mermaidText(`${node.step.id}: ${child.role}`)}"]`);
        emit(child, `${indent}  `);
        lines.push(`${indent}end`);
        lines.push(`${indent}${node.key} -.-> ${child.key}`);
      }
    }
    for (const [from, to] of cluster.edges) lines.push(`${indent}${from} --> ${to}`);
  };
  emit(root, '  ');
  return `${lines.join('\n')}\n`;
}

function dotText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function renderDot(workflow: Workflow, root: GraphCluster): string {
  const lines = [
    `digraph "${dotText(workflow.name)}" {`,
    '  rankdir=TB;',
    '  compound=true;',
    '  node [shape=box, style=rounded];',
  ];
  const emit = (cluster: GraphCluster, indent: string) => {
    for (const node of cluster.nodes) {
      lines.push(`${indent}${node.key} [label="${dotText(label(node.step))}"];`);
      for (const child of node.children) {
        lines.push(`${indent}subgraph cluster_${child.key} {`);
        lines.push(`${indent}  label="${dotText(`${node.step.id}: ${child.role}`)}";`);
        emit(child, `${indent}  `);
        lines.push(`${indent}}`);
        const first = child.entries[0];
        if (first !== undefined) {
          lines.push(`${indent}${node.key} -> ${first} [style=dashed, lhead=cluster_${child.key}];`);
        }
      }
    }
    for (const [from, to] of cluster.edges) lines.push(`${indent}${from} -> ${to};`);
  };
  emit(root, '  ');
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function renderAscii(workflow: Workflow, root: GraphCluster): string {
  const lines = [`${workflow.name} (${workflow.strategy})`];
  const emit = (cluster: GraphCluster, steps: readonly Step[], indent: string) => {
    const { stages, dependencies } = planStages(steps, workflow.strategy);
    stages.forEach((stage, stageIndex) => {
      const last = stageIndex === stages.length - 1;
      const parallel = stage.length > 1;
      stage.forEach((index, position) => {
        const node = cluster.nodes[index]!;
        const marker = parallel ? (position === 0 ? '┬' : position === stage.length - 1 ? '┴' : '┼') : '●';
        const after = dependencies[index]!.map((from) => steps[from]!.id);
        const waits = workflow.strategy === 'dag' && after.length > 0 ? `  ← ${after.join(', ')}` : '';
        lines.push(`${indent}${marker} ${node.step.id}  ${describeStep(node.step)}${waits}`);
        node.children.forEach((child) => {
          lines.push(`${indent}${last ? ' ' : '│'}   ${child.role}:`);
          const childSteps = childStepLists(node.step).find((list) => list.role === child.role)?.steps ?? [];
          emit(child, childSteps, `${indent}${last ? ' ' : '│'}     `);
        });
      });
      if (!last) lines.push(`${indent}│`);
    });
  };
  emit(root, workflow.steps, '');
  return `${lines.join('\n')}\n`;
}
