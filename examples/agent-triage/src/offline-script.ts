import type { ScriptedTurn } from '@openworkflow/agents';

/**
 * The scripted provider's conversation for running offline (spec/agents-execution.md, "The
 * scripted provider"): read the issue, label and assign it, answer with the output schema. The
 * turns live in `offline-script.mjs` at the example's root, which `openworkflow.config.mjs` (the
 * `openworkflow run` path) imports too.
 */
const shared = (await import(new URL('../offline-script.mjs', import.meta.url).href)) as {
  readonly OFFLINE_SCRIPT: readonly ScriptedTurn[];
};
export const OFFLINE_SCRIPT: readonly ScriptedTurn[] = shared.OFFLINE_SCRIPT;
