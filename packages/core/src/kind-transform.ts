import type { JsonValue, TransformStep } from '@openworkflow/schemas';
import { WORK_TRAITS } from './kind-traits.js';
import type { StepKind } from './step-kinds.js';
import {
  BUILT_IN_TRANSFORMS,
  type TransformLanguagePlugin,
  unavailableLanguage,
} from './transform-languages.js';

/** The default input of jsonpath/jsonata/jq: the template context without `secrets`. */
function contextDocument(scope: Readonly<Record<string, unknown>>): JsonValue {
  const document: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(scope)) if (key !== 'secrets') document[key] = value;
  return document as JsonValue;
}

/**
 * `transform`: a pure expression over data. `template` renders with the expression engine;
 * `jsonpath` and `jsonata` are built in (loaded on first use); any other language needs a plugin,
 * else `UNAVAILABLE`. Output `{result}`, also readable as `steps.<id>.result`.
 */
export const transformKind: StepKind<TransformStep> = {
  ...WORK_TRAITS,
  defaultRetry: false,

  async prepare(exec, step) {
    if (step.language === 'template') return undefined;
    const plugin = exec.services.transforms[step.language] ?? BUILT_IN_TRANSFORMS[step.language];
    if (plugin === undefined) throw unavailableLanguage(step.language);
    await plugin.load?.();
    return plugin;
  },

  attemptLimitMs(exec, step) {
    return step.timeoutMs === undefined ? exec.services.limits.transformTimeoutMs : undefined;
  },

  async execute(exec, call) {
    const { step, frame } = call;
    if (step.language === 'template') {
      return { result: exec.renderIn(frame, step.expression, `${step.id}.expression`) };
    }
    const plugin = call.prepared as TransformLanguagePlugin;
    const input =
      step.input === undefined
        ? contextDocument(frame.scope)
        : exec.renderIn(frame, step.input, `${step.id}.input`);
    const timeoutMs = Math.max(
      1,
      (call.deadline ?? exec.clock.now() + exec.services.limits.transformTimeoutMs) - exec.clock.now(),
    );
    const result = await plugin.evaluate({
      expression: step.expression,
      input,
      signal: call.scope.signal,
      timeoutMs,
      clock: exec.clock,
      maxDepth: exec.services.limits.jsonataMaxDepth,
    });
    return { result };
  },
};
