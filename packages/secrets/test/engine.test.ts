/**
 * The secrets runtime plugged into the real engine (`@openworkflow/core`) with workflows loaded by
 * `@openworkflow/schemas`: what a run may read, and what its event log keeps.
 */
import { connectorsFrom, createEngine, type HandlerExecutor, InMemoryRunStore } from '@openworkflow/core';
import { loadConnector, loadWorkflows, type Workflow } from '@openworkflow/schemas';
import { describe, expect, it } from 'vitest';
import { EnvSecretsProvider } from '../src/env-provider.js';
import { findSecretLeaks } from '../src/leak-scan.js';
import {
  createSecretsRuntime,
  type SecretAccessRecord,
  type SecretsRuntimeOptions,
} from '../src/secrets-runtime.js';

const env = { API_KEY: 'sk-CANARY-runtime-42', UNUSED: 'never-read-0001', PIN: 'abc' };

const connector = loadConnector(`
connector:
  type: connector
  kind: sdk
  name: svc
  namespace: test
  version: 1.0.0
  displayName: Service
  description: In-process functions
actions:
  - name: echo
    description: Returns its input and the secret its handler reads
    handler:
      function: svc.echo
`).value!;

/** Echoes its input, and leaks the secret its context exposes, as a careless handler would. */
const echo: HandlerExecutor = {
  type: 'function',
  execute: async ({ input, context }) => ({ input, leaked: context.secrets.get('API_KEY') ?? null }),
};

function workflow(yaml: string): Workflow {
  const loaded = loadWorkflows(yaml);
  expect(loaded.ok, JSON.stringify(loaded.diagnostics)).toBe(true);
  return loaded.value![0]!;
}

function setup(options: SecretsRuntimeOptions = {}) {
  const records: SecretAccessRecord[] = [];
  const secrets = createSecretsRuntime(new EnvSecretsProvider({ env }), {
    ...options,
    onAccess: (record) => records.push(record),
  });
  const store = new InMemoryRunStore();
  const engine = createEngine({
    store,
    handlers: [echo],
    connectors: connectorsFrom([connector]),
    secrets: secrets.source,
    redact: secrets.redact,
    outputPolicy: secrets.outputPolicy,
  });
  return { engine, store, records, secrets };
}

const usesKey = `
workflows:
  - name: report
    steps:
      - id: call
        connector: connector:test/svc@1.0.0
        action: echo
        input: { auth: "Bearer {{ secrets.API_KEY }}" }
`;

describe('secrets with the real engine', () => {
  it('reads only the referenced secret and stores no secret in the event log (SEC-1, SEC-8)', async () => {
    const { engine, store, records } = setup();
    const run = engine.start(workflow(usesKey), {});
    const result = await run.result;
    expect(result.status).toBe('success');
    expect(records.map((record) => [record.name, record.outcome])).toEqual([['API_KEY', 'granted']]);
    const stored = JSON.stringify(await store.readEvents(run.id, 0));
    expect(findSecretLeaks(stored, env.API_KEY)).toEqual([]);
    expect(stored).toContain('Bearer [REDACTED:API_KEY]');
    expect(stored).not.toContain(env.UNUSED);
  });

  it('fails a run that references a secret outside its scope with PERMISSION_DENIED', async () => {
    const { engine, records } = setup({
      definitions: { API_KEY: { scope: { workflows: ['workflow:acme/billing'] } } },
    });
    // The engine resolves secrets before any step runs: the run fails, and says so in its log.
    const result = await engine.start(workflow(usesKey), {}).result;
    expect(result).toMatchObject({
      status: 'failed',
      steps: {},
      error: { code: 'PERMISSION_DENIED', message: "Secret 'API_KEY' is not in scope for workflow 'report'" },
    });
    expect(records.map((record) => record.outcome)).toEqual(['denied']);
  });

  it('SEC-12: a run that resolves a too-short secret fails with VALIDATION naming only the secret', async () => {
    const { engine } = setup();
    const { result: failure } = engine.start(
      workflow(`
workflows:
  - name: short
    steps:
      - id: call
        connector: connector:test/svc@1.0.0
        action: echo
        input: { pin: "{{ secrets.PIN }}" }
`),
      {},
    );
    const result = await failure;
    expect(result).toMatchObject({
      status: 'failed',
      error: { code: 'VALIDATION', details: { secret_name: 'PIN' } },
    });
    expect(JSON.stringify(result)).not.toContain(env.PIN);
  });

  it('SEC-8: a secret a handler returns is masked in the live result and for downstream steps', async () => {
    const { engine } = setup();
    const result = await engine.start(
      workflow(`
workflows:
  - name: leaky
    steps:
      - id: call
        connector: connector:test/svc@1.0.0
        action: echo
        input: { auth: "Bearer {{ secrets.API_KEY }}" }
      - id: next
        connector: connector:test/svc@1.0.0
        action: echo
        input: { seen: "{{ steps.call.output.leaked }}" }
    outputs:
      leaked: { value: "{{ steps.call.output.leaked }}" }
`),
      {},
    ).result;
    expect(result.status).toBe('success');
    expect(result.steps.call?.output).toMatchObject({ leaked: '[REDACTED:API_KEY]' });
    expect(result.steps.next?.output).toMatchObject({ input: { seen: '[REDACTED:API_KEY]' } });
    expect(result.outputs).toEqual({ leaked: '[REDACTED:API_KEY]' });
    expect(findSecretLeaks(JSON.stringify(result), env.API_KEY)).toEqual([]);
  });

  it('blockOnExposure fails the step that returned a secret with SECRET_EXPOSURE, without retrying it', async () => {
    const { engine } = setup({ redaction: { blockOnExposure: true } });
    const result = await engine.start(
      workflow(`
workflows:
  - name: leaky
    steps:
      - id: call
        connector: connector:test/svc@1.0.0
        action: echo
        retry: { max_attempts: 3, backoff: fixed }
        input: { auth: "Bearer {{ secrets.API_KEY }}" }
`),
      {},
    ).result;
    expect(result.status).toBe('failed');
    expect(result.steps.call).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: { code: 'SECRET_EXPOSURE' },
    });
    expect(result.error?.message).toContain("step 'call'");
    expect(findSecretLeaks(JSON.stringify(result), env.API_KEY)).toEqual([]);
  });

  it('lets a connector-scoped secret reach its connector handler config, and nothing else', async () => {
    const scopedConnector = loadConnector(`
connector:
  type: connector
  kind: sdk
  name: vault-user
  namespace: test
  version: 1.0.0
  displayName: Vault user
  description: Reads a secret in its handler config only
actions:
  - name: call
    description: Uses a scoped secret
    handler:
      command: ./never-run.sh
      args: ["\${secrets.API_KEY}"]
`).value!;
    const records: SecretAccessRecord[] = [];
    const secrets = createSecretsRuntime(new EnvSecretsProvider({ env }), {
      definitions: { API_KEY: { scope: { connectors: ['connector:test/vault-user'] } } },
      onAccess: (record) => records.push(record),
    });
    const seen: (string | undefined)[] = [];
    const engine = createEngine({
      handlers: [
        {
          type: 'command',
          execute: async ({ context }) => {
            seen.push(context.secrets.get('API_KEY'));
            return {};
          },
        },
      ],
      connectors: connectorsFrom([scopedConnector]),
      secrets: secrets.source,
      outputPolicy: secrets.outputPolicy,
    });
    const steps = `
    steps:
      - id: call
        connector: connector:test/vault-user@1.0.0
        action: call`;
    const allowed = await engine.start(workflow(`workflows:\n  - name: ok${steps}\n`), {}).result;
    expect(allowed.status).toBe('success');
    expect(seen).toEqual([env.API_KEY]);
    expect(records.at(-1)).toMatchObject({
      name: 'API_KEY',
      outcome: 'granted',
      requester: { kind: 'connector', connector: 'connector:test/vault-user@1.0.0' },
    });
    // The same secret read by the workflow's own template is outside the scope.
    const denied = await engine.start(
      workflow(`workflows:\n  - name: sneaky${steps}\n        input: { copy: "{{ secrets.API_KEY }}" }\n`),
      {},
    ).result;
    expect(denied).toMatchObject({ status: 'failed', error: { code: 'PERMISSION_DENIED' } });
    expect(seen).toHaveLength(1);
  });

  it('SEC-7: a template that dumps the whole secrets object is refused when the workflow is loaded', () => {
    const loaded = loadWorkflows(`
workflows:
  - name: dump
    steps:
      - id: call
        connector: connector:test/svc@1.0.0
        action: echo
        input: { all: "{{ toJSON(secrets) }}" }
`);
    expect(loaded.ok).toBe(false);
    expect(loaded.diagnostics[0]).toMatchObject({
      code: 'OW_EXPRESSION_INVALID',
      pointer: '/workflows/0/steps/0/input/all',
    });
    expect(loaded.diagnostics[0]!.message).toContain('EXPR_SECRET_DUMP');
  });
});
