import { stat } from 'node:fs/promises';
import { dirname, join, parse } from 'node:path';

/** Config module names, in the order the SDK's `loadProject` looks for them. */
const CONFIG_NAMES = ['openworkflow.config.mjs', 'openworkflow.config.js'] as const;

/** How far `run` walks up from a workflow file looking for its project root. */
const MAX_PROJECT_DEPTH = 8;

/** Where a workflow's project keeps its connectors and config, when not beside the file. */
export interface ProjectLayout {
  /** The project root (the directory holding `.openworkflow/`). */
  readonly root?: string;
  readonly connectorsDir?: string;
  readonly agentsDir?: string;
  readonly config?: string;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function configIn(directory: string): Promise<string | undefined> {
  for (const name of CONFIG_NAMES) if (await isFile(join(directory, name))) return join(directory, name);
  return undefined;
}

/**
 * The project a workflow file belongs to. A file with `connectors/`, `agents/` or a config beside
 * it is its own project (the SDK's `loadProject` finds them; this returns `{}`). Otherwise the
 * nearest ancestor holding a `.openworkflow/` directory (the layout `openworkflow init` writes,
 * with the workflows in `.openworkflow/workflows/`) is the root, and its `connectors/`, `agents/`
 * and config are used.
 */
export async function findProjectLayout(workflowFile: string): Promise<ProjectLayout> {
  const directory = dirname(workflowFile);
  if (
    (await isDirectory(join(directory, 'connectors'))) ||
    (await isDirectory(join(directory, 'agents'))) ||
    (await configIn(directory)) !== undefined
  )
    return {};
  let current = directory;
  for (let depth = 0; depth < MAX_PROJECT_DEPTH; depth++) {
    if (await isDirectory(join(current, '.openworkflow'))) {
      const connectors = join(current, 'connectors');
      const agents = join(current, 'agents');
      const config = await configIn(current);
      return {
        root: current,
        ...((await isDirectory(connectors)) ? { connectorsDir: connectors } : {}),
        ...((await isDirectory(agents)) ? { agentsDir: agents } : {}),
        ...(config === undefined ? {} : { config }),
      };
    }
    if (current === parse(current).root) break;
    current = dirname(current);
  }
  return {};
}
