import { OpenWorkflowError } from '@openworkflow/core';
import type { JsonObject } from '@openworkflow/schemas';
import type { RunOptions } from './open-workflow.js';
import type { WorkflowResult, WorkflowRun } from './result.js';
import { type WorkflowInfo, Workflows, type WorkflowsOptions } from './workflows.js';

/** Options of `Workflow.fromFile` and friends: which workflow of the file, and where it runs. */
export interface WorkflowOptions extends WorkflowsOptions {
  /** Required when the file holds more than one workflow. */
  readonly name?: string;
}

/** Options of `workflow.execute()` / `start()`: the inputs and the per-run options. */
export interface WorkflowRunOptions extends Omit<RunOptions, 'siblings'> {
  readonly inputs?: JsonObject;
}

/**
 * One workflow (the seed's `Workflow.fromFile('workflow.yaml')` then `workflow.execute({ mode })`):
 * a thin view of {@link Workflows} for files that hold a single workflow, or a named one.
 *
 * @example
 * const workflow = await Workflow.fromFile('./report.yaml', { openworkflow });
 * const result = await workflow.execute({ inputs: { city: 'Oslo' } });
 */
export class Workflow {
  readonly workflows: Workflows;
  readonly name: string;

  constructor(workflows: Workflows, name?: string) {
    const names = workflows.workflows.map((workflow) => workflow.name);
    const chosen = name ?? (names.length === 1 ? names[0] : undefined);
    if (chosen === undefined || workflows.get(chosen) === undefined) {
      throw new OpenWorkflowError(
        name === undefined ? 'VALIDATION' : 'NOT_FOUND',
        name === undefined ? 'The file holds several workflows: pass `name`' : `No workflow named '${name}'`,
        { details: { field: 'name', available: names } },
      );
    }
    this.workflows = workflows;
    this.name = chosen;
  }

  static async fromFile(path: string | URL, options: WorkflowOptions = {}): Promise<Workflow> {
    return new Workflow(await Workflows.fromFile(path, options), options.name);
  }

  static fromString(text: string, options: WorkflowOptions = {}): Workflow {
    return new Workflow(Workflows.fromString(text, options), options.name);
  }

  static fromObject(document: object, options: WorkflowOptions = {}): Workflow {
    return new Workflow(Workflows.fromObject(document, options), options.name);
  }

  /** Name, id, version, description, inputs and outputs. */
  get info(): WorkflowInfo {
    return this.workflows.list().find((info) => info.name === this.name)!;
  }

  start(options: WorkflowRunOptions = {}): WorkflowRun {
    const { inputs, ...run } = options;
    return this.workflows.start(this.name, inputs ?? {}, run);
  }

  /** Runs the workflow; resolves with the result, never throws. */
  execute(options: WorkflowRunOptions = {}): Promise<WorkflowResult> {
    return this.start(options).result;
  }
}
