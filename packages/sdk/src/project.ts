import { access, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OpenWorkflowError } from '@openworkflow/core';
import type { ActionHandler } from './action-context.js';
import { OpenWorkflow } from './open-workflow.js';
import type { OpenWorkflowOptions } from './options.js';
import { Workflows } from './workflows.js';

/**
 * What an `openworkflow.config.mjs` (or `.js`) beside a workflow file provides. Its default export
 * is this object, or a (possibly async) function returning it — the place to start a local service
 * the workflows call and to stop it in `close`.
 */
export interface ProjectConfig {
  /** Options of the project's `OpenWorkflow` (the caller's overrides win). */
  readonly options?: OpenWorkflowOptions;
  /** More connector files, relative to the config's directory. */
  readonly connectors?: readonly string[];
  /** More agent files, relative to the config's directory. */
  readonly agents?: readonly string[];
  /** Handlers by registered name. */
  readonly handlers?: Readonly<Record<string, ActionHandler<never, unknown>>>;
  /** Anything else to set up on the instance once connectors and handlers are registered. */
  readonly setup?: (openworkflow: OpenWorkflow) => unknown;
  /** Called by `openworkflow.close()`. */
  readonly close?: () => unknown;
}

/** A config module's default export. */
export type ProjectConfigExport = ProjectConfig | (() => ProjectConfig | Promise<ProjectConfig>);

/**
 * Types a project config (an identity function).
 *
 * @example
 * // openworkflow.config.mjs
 * import { defineConfig } from '@openworkflow/sdk';
 * export default defineConfig({ handlers: { 'calculator.add': ({ a, b }) => ({ result: a + b }) } });
 */
export function defineConfig<T extends ProjectConfigExport>(config: T): T {
  return config;
}

/** Options of {@link loadProject}. */
export interface LoadProjectOptions {
  /** Merged over the config's options (e.g. the CLI's observability flags). */
  readonly options?: OpenWorkflowOptions;
  /** Config module to use instead of looking for `openworkflow.config.{mjs,js}`; `false`: none. */
  readonly config?: string | false;
  /** Directory of connector files. Default `connectors/` beside the workflow file, when present. */
  readonly connectorsDir?: string | false;
  /** Directory of agent files. Default `agents/` beside the workflow file, when present. */
  readonly agentsDir?: string | false;
}

/** A loaded project: its instance (close it when done) and the workflows of the file. */
export interface Project {
  readonly openworkflow: OpenWorkflow;
  readonly workflows: Workflows;
  /** The config module that was loaded, if any. */
  readonly configFile?: string;
  /** The connector files that were registered. */
  readonly connectorFiles: readonly string[];
  /** The agent files that were registered. */
  readonly agentFiles: readonly string[];
}

export const CONFIG_FILE_NAMES: readonly string[] = ['openworkflow.config.mjs', 'openworkflow.config.js'];
const DOCUMENT_EXTENSIONS = /\.(ya?ml|json)$/i;

/**
 * The config's options with the caller's over them. Field by field, except that `environment` and
 * `secrets.definitions` merge by name and the egress allow-lists add up: a caller adding a variable
 * must not erase the ones the config set up (the weather example's service URL).
 */
export function mergeOptions(base: OpenWorkflowOptions, over: OpenWorkflowOptions): OpenWorkflowOptions {
  const merged: { -readonly [K in keyof OpenWorkflowOptions]: OpenWorkflowOptions[K] } = { ...base, ...over };
  if (base.environment !== undefined || over.environment !== undefined) {
    merged.environment = { ...base.environment, ...over.environment };
  }
  if (base.secrets !== undefined && over.secrets !== undefined) {
    merged.secrets = {
      ...base.secrets,
      ...over.secrets,
      definitions: { ...base.secrets.definitions, ...over.secrets.definitions },
    };
  }
  if (base.egress !== undefined && over.egress !== undefined) {
    const list = (key: 'allowedAddresses' | 'allowedHosts') => [
      ...(base.egress?.[key] ?? []),
      ...(over.egress?.[key] ?? []),
    ];
    merged.egress = {
      ...base.egress,
      ...over.egress,
      allowedAddresses: list('allowedAddresses'),
      allowedHosts: list('allowedHosts'),
    };
  }
  return merged;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The YAML/JSON files of a directory, sorted by name; none when `directory` is absent. */
async function documentsIn(directory: string | undefined): Promise<string[]> {
  if (directory === undefined || !(await exists(directory))) return [];
  const names = (await readdir(directory)).filter((name) => DOCUMENT_EXTENSIONS.test(name)).sort();
  return names.map((name) => join(directory, name));
}

async function readConfig(file: string): Promise<ProjectConfig> {
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (cause) {
    throw new OpenWorkflowError('VALIDATION', `Cannot load project config ${file}`, {
      details: { file, error_type: cause instanceof Error ? cause.name : typeof cause },
      cause,
    });
  }
  const exported = module.default;
  const config = typeof exported === 'function' ? await (exported as () => unknown)() : exported;
  if (typeof config !== 'object' || config === null) {
    throw new OpenWorkflowError(
      'VALIDATION',
      `Project config ${file} must export a config object by default`,
      {
        details: { file, field: 'default', constraint: 'type' },
      },
    );
  }
  return config as ProjectConfig;
}

/**
 * Loads a project around a workflow file, the way `openworkflow run` does: the config module
 * beside it (`openworkflow.config.mjs|js`, optional), every connector file in the sibling
 * `connectors/` directory (sorted by name) and those the config lists, every agent file in the
 * sibling `agents/` directory and those the config lists, the config's handlers, then the
 * workflow file itself. Close `project.openworkflow` when done (it runs the config's `close`).
 *
 * @example
 * const { openworkflow, workflows } = await loadProject('examples/weather/workflows.yaml');
 * try { console.log(await workflows.execute('Daily Weather Report')); }
 * finally { await openworkflow.close(); }
 */
export async function loadProject(workflowFile: string, options: LoadProjectOptions = {}): Promise<Project> {
  const file = resolve(workflowFile);
  const directory = dirname(file);
  let configFile: string | undefined;
  if (typeof options.config === 'string') configFile = resolve(options.config);
  else if (options.config !== false) {
    for (const name of CONFIG_FILE_NAMES) {
      if (await exists(join(directory, name))) {
        configFile = join(directory, name);
        break;
      }
    }
  }
  const config = configFile === undefined ? {} : await readConfig(configFile);
  const openworkflow = new OpenWorkflow(mergeOptions(config.options ?? {}, options.options ?? {}));
  if (config.close !== undefined) openworkflow.onClose(config.close);
  try {
    const configDir = configFile === undefined ? directory : dirname(configFile);
    const connectorFiles = await documentsIn(
      options.connectorsDir === false ? undefined : resolve(directory, options.connectorsDir ?? 'connectors'),
    );
    connectorFiles.push(...(config.connectors ?? []).map((path) => resolve(configDir, path)));
    for (const connector of connectorFiles) await openworkflow.registerConnector(connector);
    const agentFiles = await documentsIn(
      options.agentsDir === false ? undefined : resolve(directory, options.agentsDir ?? 'agents'),
    );
    agentFiles.push(...(config.agents ?? []).map((path) => resolve(configDir, path)));
    for (const agent of agentFiles) await openworkflow.registerAgent(agent);
    for (const [name, handler] of Object.entries(config.handlers ?? {}))
      openworkflow.registerHandler(name, handler);
    await config.setup?.(openworkflow);
    const workflows = await Workflows.fromFile(file, { openworkflow });
    return {
      openworkflow,
      workflows,
      connectorFiles,
      agentFiles,
      ...(configFile === undefined ? {} : { configFile }),
    };
  } catch (error) {
    await openworkflow.close();
    throw error;
  }
}
