/**
 * load(serialize(model)) gives back the model, for generated valid models of every document kind,
 * in YAML and JSON. Sources are compared separately: they point into the serialised document.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../src/diagnostics.js';
import { loadAgent, loadBundle, loadConnector, loadWorkflows } from '../src/loader.js';
import { serializeAgent, serializeBundle, serializeConnector, serializeWorkflows } from '../src/serialize.js';
import { agent, bundle, connector, workflowFile } from './arbitraries.js';
import { stripSource } from './strip-source.js';

const errors = (diagnostics: readonly Diagnostic[]): Diagnostic[] =>
  diagnostics.filter((item) => item.severity === 'error');
const formats = ['yaml', 'json'] as const;

describe('round trip', () => {
  it.each(formats)('workflows (%s)', { timeout: 120_000 }, (format) => {
    fc.assert(
      fc.property(workflowFile, (workflows) => {
        const text = serializeWorkflows(workflows, { format });
        const result = loadWorkflows(text);
        expect(errors(result.diagnostics), text).toEqual([]);
        // Only the `plugin:` slug spelling is a legacy form; the canonical form has no warnings.
        expect(
          result.diagnostics.filter(
            (item) => item.code !== 'OW_ALIAS_PLUGIN' && item.code !== 'OW_WAIT_EVENT_NO_TIMEOUT',
          ),
        ).toEqual([]);
        expect(stripSource(result.value)).toEqual(stripSource(workflows));
        // A second trip is exact, sources included.
        expect(loadWorkflows(serializeWorkflows(result.value!, { format })).value).toEqual(result.value);
      }),
      { numRuns: 60 },
    );
  });

  it.each([
    ['nested', 'yaml'],
    ['flat', 'json'],
  ] as const)('connectors (%s, %s)', { timeout: 60_000 }, (shape, format) => {
    fc.assert(
      fc.property(connector, (value) => {
        const result = loadConnector(serializeConnector(value, { shape, format }));
        expect(result.diagnostics).toEqual([]);
        expect(result.value).toEqual(value);
      }),
      { numRuns: 60 },
    );
  });

  it.each(formats)('agents (%s)', { timeout: 60_000 }, (format) => {
    fc.assert(
      fc.property(agent, (value) => {
        const result = loadAgent(serializeAgent(value, { format }));
        expect(result.diagnostics).toEqual([]);
        expect(result.value).toEqual(value);
      }),
      { numRuns: 60 },
    );
  });

  it.each(formats)('bundles (%s)', { timeout: 60_000 }, (format) => {
    fc.assert(
      fc.property(bundle, (value) => {
        const result = loadBundle(serializeBundle(value, { format }));
        expect(result.diagnostics).toEqual([]);
        expect(result.value).toEqual(value);
      }),
      { numRuns: 60 },
    );
  });
});
