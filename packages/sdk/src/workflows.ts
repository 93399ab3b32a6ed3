import { dirname } from 'node:path';
import { findWorkflow, OpenWorkflowError, type ValidationReport } from '@openworkflow/core';
import type { InputDefinition, JsonObject, Workflow } from '@openworkflow/schemas';
import { loadWorkflowSource, readDocument } from './documents.js';
import { OpenWorkflow, type RunOptions } from './open-workflow.js';
import { failedResult, settledRun, type WorkflowResult, type WorkflowRun } from './result.js';

/** Options of `Workflows.fromFile` / `fromString` / `fromObject`. */
export interface WorkflowsOptions {
  /** The instance whose connectors and handlers run the workflows. Default: a new `OpenWorkflow()`. */
  readonly openworkflow?: OpenWorkflow;
  /** Shown in diagnostics (`fromString`/`fromObject`). */
  readonly file?: string;
}

/** What `list()` tells about one workflow, without running anything. */
export interface WorkflowInfo {
  readonly name: string;
  /** `workflow:<namespace>/<name>@<version>` when the document names a namespace. */
  readonly id?: string;
  readonly version: string;
  readonly description?: string;
  readonly inputs: Readonly<Record<string, InputDefinition>>;
  /** Names of the declared outputs. */
  readonly outputs: readonly string[];
}

/**
 * The workflows of one file, ready to run on an {@link OpenWorkflow}. Iterable (yields
 * {@link WorkflowInfo}); `execute` resolves with a {@link WorkflowResult} and never throws.
 *
 * @example
 * const workflows = await Workflows.fromFile('./workflows.yaml', { openworkflow });
 * for (const { name, inputs } of workflows) console.log(name, Object.keys(inputs));
 * const result = await workflows.execute('Daily Weather Report', { locations: ['Paris'] });
 * if (result.status !== 'success') console.error(result.error);
 */
export class Workflows implements Iterable<WorkflowInfo> {
  readonly openworkflow: OpenWorkflow;
  /** The loaded (canonical) workflows, in file order. */
  readonly workflows: readonly Workflow[];
  /** The file they came from, when known. */
  readonly file: string | undefined;

  constructor(workflows: readonly Workflow[], options: WorkflowsOptions = {}) {
    this.workflows = workflows;
    this.openworkflow = options.openworkflow ?? new OpenWorkflow();
    this.file = options.file;
  }

  /** Loads a YAML or JSON workflow file (any accepted shape); errors are `VALIDATION` with a position. */
  static async fromFile(path: string | URL, options: WorkflowsOptions = {}): Promise<Workflows> {
    const { text, file } = await readDocument(path);
    return new Workflows(loadWorkflowSource(text, file), { ...options, file });
  }

  /** Loads workflows from YAML or JSON text. */
  static fromString(text: string, options: WorkflowsOptions = {}): Workflows {
    return new Workflows(loadWorkflowSource(text, options.file), options);
  }

  /** Loads workflows from a parsed document (`{ workflows: [...] }`, a single workflow, …). */
  static fromObject(document: object, options: WorkflowsOptions = {}): Workflows {
    return new Workflows(loadWorkflowSource(document, options.file), options);
  }

  /** The directory of the file, for resolving relative paths next to it. */
  get directory(): string | undefined {
    return this.file === undefined ? undefined : dirname(this.file);
  }

  /** Names, ids, versions, descriptions and inputs of every workflow. */
  list(): WorkflowInfo[] {
    return this.workflows.map((workflow) => ({
      name: workflow.name,
      ...(workflow.id === undefined ? {} : { id: workflow.id }),
      version: workflow.version,
      ...(workflow.description === undefined ? {} : { description: workflow.description }),
      inputs: workflow.inputs,
      outputs: Object.keys(workflow.outputs),
    }));
  }

  [Symbol.iterator](): Iterator<WorkflowInfo> {
    return this.list()[Symbol.iterator]();
  }

  /** A workflow by name or id; `undefined` when there is none. */
  get(name: string): Workflow | undefined {
    return findWorkflow(this.workflows, name);
  }

  /**
   * Starts a run and returns its handle at once. `name` may be left out when the file holds one
   * workflow. An unknown name gives a run whose result is `NOT_FOUND`.
   */
  start(name?: string, inputs: JsonObject = {}, options: Omit<RunOptions, 'siblings'> = {}): WorkflowRun {
    const workflow = this.#pick(name);
    if (workflow instanceof OpenWorkflowError) {
      const runId = options.runId ?? `unstarted-${name ?? ''}`;
      const result = this.openworkflow.secrets.redactor.value(failedResult(runId, workflow), { keys: false });
      return settledRun(runId, result);
    }
    return this.openworkflow.start(workflow, inputs, { ...options, siblings: this.workflows });
  }

  /** Runs one workflow to its end. */
  execute(
    name?: string,
    inputs: JsonObject = {},
    options: Omit<RunOptions, 'siblings'> = {},
  ): Promise<WorkflowResult> {
    return this.start(name, inputs, options).result;
  }

  /** Runs every workflow of the file one after the other with its default inputs; results by name. */
  async executeAll(
    options: Omit<RunOptions, 'siblings' | 'runId'> = {},
  ): Promise<Record<string, WorkflowResult>> {
    const results: Record<string, WorkflowResult> = {};
    for (const workflow of this.workflows)
      results[workflow.name] = await this.execute(workflow.name, {}, options);
    return results;
  }

  /** The engine's static checks of one workflow (or of all of them). */
  async validate(name?: string): Promise<ValidationReport> {
    const targets = name === undefined ? this.workflows : [this.#pick(name)];
    const issues: ValidationReport['issues'][number][] = [];
    for (const target of targets) {
      if (target instanceof OpenWorkflowError) {
        issues.push({ severity: 'error', code: 'NOT_FOUND', message: target.message });
        continue;
      }
      issues.push(...(await this.openworkflow.validate(target, this.workflows)).issues);
    }
    return { valid: !issues.some((issue) => issue.severity === 'error'), issues };
  }

  #pick(name: string | undefined): Workflow | OpenWorkflowError {
    if (name === undefined) {
      if (this.workflows.length === 1) return this.workflows[0]!;
      return new OpenWorkflowError('VALIDATION', 'This file holds several workflows: name the one to run', {
        details: { field: 'name', constraint: 'required', workflows: this.workflows.map((w) => w.name) },
      });
    }
    return (
      this.get(name) ??
      new OpenWorkflowError('NOT_FOUND', `No workflow named '${name}'`, {
        details: { workflow: name, available: this.workflows.map((workflow) => workflow.name) },
      })
    );
  }
}
