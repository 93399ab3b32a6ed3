import { readFileSync } from 'node:fs';
import type { ScriptedTurn } from '@openworkflow/agents';

/**
 * The scripted provider's conversation for running offline (spec/agents-execution.md, "The
 * scripted provider"): read the issue, label and assign it, answer with the output schema. The
 * turns live in `offline-script.json` at the example's root, which `openworkflow.config.mjs` (the
 * `openworkflow run` path) reads too.
 */
export const OFFLINE_SCRIPT: readonly ScriptedTurn[] = JSON.parse(
  readFileSync(new URL('../offline-script.json', import.meta.url), 'utf8'),
) as ScriptedTurn[];
