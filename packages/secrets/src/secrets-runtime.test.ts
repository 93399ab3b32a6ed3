import { describe, expect, it } from 'vitest';
import { EnvSecretsProvider } from './env-provider.js';
import { findSecretLeaks } from './leak-scan.js';
import { MIN_SECRET_LENGTH } from './limits.js';
import { createSecretsRuntime, type SecretAccessRecord } from './secrets-runtime.js';

const env = {
  GITHUB_TOKEN: 'ghp_CANARY_runtime_0001',
  DB_PASSWORD_V2: 'db-CANARY-0002',
  SHORT: 'abc',
};

function runtime(records: SecretAccessRecord[] = []) {
  return createSecretsRuntime(new EnvSecretsProvider({ env }), {
    definitions: {
      DB: {
        key: 'DB_PASSWORD_V2',
        scope: { connectors: ['connector:community/database'], workflows: ['workflow:acme/etl'] },
      },
    },
    onAccess: (record) => records.push(record),
  });
}

describe('createSecretsRuntime', () => {
  it('resolves the referenced names and registers them with the masker before returning', async () => {
    const secrets = runtime();
    const values = await secrets.source.resolve(['GITHUB_TOKEN', 'MISSING'], {
      runId: 'r1',
      workflowName: 'report',
    });
    expect(values).toEqual({ GITHUB_TOKEN: env.GITHUB_TOKEN });
    expect(secrets.masker.mask(`token ${env.GITHUB_TOKEN}`)).toBe('token [REDACTED:GITHUB_TOKEN]');
    // The unreferenced secret was never read, so the run cannot see it.
    expect(secrets.masker.mask(env.DB_PASSWORD_V2)).toBe(env.DB_PASSWORD_V2);
  });

  it('denies out-of-scope names with PERMISSION_DENIED and reads nothing', async () => {
    const records: SecretAccessRecord[] = [];
    const secrets = runtime(records);
    await expect(
      secrets.source.resolve(['GITHUB_TOKEN', 'DB'], { runId: 'r2', workflowName: 'report' }),
    ).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
      message: "Secret 'DB' is not in scope for workflow 'report'",
    });
    expect(records).toEqual([
      {
        name: 'DB',
        runId: 'r2',
        requester: { kind: 'workflow', workflow: 'report' },
        outcome: 'denied',
        code: 'PERMISSION_DENIED',
      },
    ]);
    expect(secrets.masker.size).toBe(0);
  });

  it('grants scoped names to listed workflows and connectors, reading the declared key', async () => {
    const records: SecretAccessRecord[] = [];
    const secrets = runtime(records);
    const byWorkflow = await secrets.source.resolve(['DB'], {
      runId: 'r3',
      workflowName: 'etl',
      workflowResource: 'workflow:acme/etl@1.4.0',
    });
    expect(byWorkflow).toEqual({ DB: env.DB_PASSWORD_V2 });
    const byConnector = await secrets.source.resolve(['DB'], {
      runId: 'r4',
      workflowName: 'other',
      requesters: {
        DB: [
          {
            kind: 'connector',
            connector: 'connector:community/database@2.0.0',
            workflow: 'workflow:acme/other',
          },
        ],
      },
    });
    expect(byConnector).toEqual({ DB: env.DB_PASSWORD_V2 });
    expect(records.map((record) => record.outcome)).toEqual(['granted', 'granted']);
    await expect(
      secrets.read('DB', {
        kind: 'connector',
        connector: 'connector:community/http',
        workflow: 'workflow:acme/other',
      }),
    ).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('SEC-12: a secret shorter than the minimum fails the run instead of leaking or shredding', async () => {
    const failure = await runtime()
      .source.resolve(['SHORT'], { runId: 'r5', workflowName: 'w' })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 'VALIDATION',
      details: { secret_name: 'SHORT', limit: MIN_SECRET_LENGTH },
    });
    expect(JSON.stringify(failure)).not.toContain('abc');
  });

  it('reads one secret as a Secret that never prints its value', async () => {
    const secret = await runtime().read('GITHUB_TOKEN', { kind: 'workflow', workflow: 'report' });
    expect(`${secret}`).toBe('[REDACTED:GITHUB_TOKEN]');
    expect(secret?.reveal()).toBe(env.GITHUB_TOKEN);
  });

  it('applies the output policy and the event hook with the shared masker', async () => {
    const secrets = createSecretsRuntime(new EnvSecretsProvider({ env }), {
      redaction: { blockOnExposure: true },
    });
    await secrets.source.resolve(['GITHUB_TOKEN'], { runId: 'r6', workflowName: 'w' });
    expect(() => secrets.guardStepOutput('leak', { echoed: env.GITHUB_TOKEN })).toThrowError(
      "Secret exposure detected in step 'leak' output field 'echoed'",
    );
    expect(() => secrets.guardWorkflowOutputs('w', { result: `x${env.GITHUB_TOKEN}` })).toThrowError(
      expect.objectContaining({ code: 'SECRET_EXPOSURE' }),
    );
    const event = secrets.redact({
      sequence: 1,
      type: 'step.completed',
      runId: 'r6',
      stepId: 's',
      time: 0,
      data: { output: { text: env.GITHUB_TOKEN } },
      correlation_id: 'r6',
      causation_id: null,
      request_id: 'q',
    });
    expect(findSecretLeaks(JSON.stringify(event), env.GITHUB_TOKEN)).toEqual([]);
    secrets.register('MINTED', 'minted-at-runtime-1');
    expect(secrets.redactor.text('minted-at-runtime-1')).toBe('[REDACTED:MINTED]');
  });

  it('keeps masking values but drops field-name rules when redaction is disabled', async () => {
    const secrets = createSecretsRuntime(new EnvSecretsProvider({ env }), { redaction: { enabled: false } });
    await secrets.source.resolve(['GITHUB_TOKEN'], { runId: 'r7', workflowName: 'w' });
    expect(secrets.redactor.value({ password: 'plain', token: env.GITHUB_TOKEN })).toEqual({
      password: 'plain',
      token: '[REDACTED:GITHUB_TOKEN]',
    });
    expect(secrets.guardStepOutput('s', { a: env.GITHUB_TOKEN })).toEqual({ a: '[REDACTED:GITHUB_TOKEN]' });
  });
});
