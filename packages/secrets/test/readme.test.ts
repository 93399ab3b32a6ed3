// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the README statements are quoted as text
/**
 * Keeps the README honest: the statements of its first example run here, with the results its
 * `// →` comments promise.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSecretsRuntime, EnvSecretsProvider } from '../src/index.js';

const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

describe('README', () => {
  it('runs the first example as written', async () => {
    const statements = [
      "const secrets = createSecretsRuntime(new EnvSecretsProvider({ env: { GITHUB_TOKEN: 'ghp_example_0001' } }), {",
      "  definitions: { DB_PASSWORD: { scope: { workflows: ['workflow:acme/etl'] } } },",
      "const values = await secrets.source.resolve(['GITHUB_TOKEN'], { runId: 'r1', workflowName: 'triage' });",
      'secrets.redactor.text(`Authorization: Bearer ${values.GITHUB_TOKEN}`);',
      "// → 'Authorization: Bearer [REDACTED:GITHUB_TOKEN]'",
      "secrets.redactor.text(Buffer.from(`bot:${values.GITHUB_TOKEN}`).toString('base64'));",
      "// → 'Ym90Om[REDACTED:GITHUB_TOKEN]E=' (edge characters mix in neighbouring bytes)",
      "secrets.redactor.value({ password: 'hunter2', url: 'https://bot:pw@api.example.com/' });",
      "// → { password: '***REDACTED***', url: 'https://api.example.com/' }",
      "secrets.guardStepOutput('fetch', { echoed: values.GITHUB_TOKEN });",
      "// throws SECRET_EXPOSURE: Secret exposure detected in step 'fetch' output field 'echoed'",
    ];
    for (const statement of statements) expect(readme).toContain(statement);

    const secrets = createSecretsRuntime(
      new EnvSecretsProvider({ env: { GITHUB_TOKEN: 'ghp_example_0001' } }),
      {
        definitions: { DB_PASSWORD: { scope: { workflows: ['workflow:acme/etl'] } } },
        redaction: { blockOnExposure: true },
      },
    );
    const values = await secrets.source.resolve(['GITHUB_TOKEN'], { runId: 'r1', workflowName: 'triage' });
    expect(secrets.redactor.text(`Authorization: Bearer ${values.GITHUB_TOKEN}`)).toBe(
      'Authorization: Bearer [REDACTED:GITHUB_TOKEN]',
    );
    expect(secrets.redactor.text(Buffer.from(`bot:${values.GITHUB_TOKEN}`).toString('base64'))).toBe(
      'Ym90Om[REDACTED:GITHUB_TOKEN]E=',
    );
    expect(secrets.redactor.value({ password: 'hunter2', url: 'https://bot:pw@api.example.com/' })).toEqual({
      password: '***REDACTED***',
      url: 'https://api.example.com/',
    });
    expect(() => secrets.guardStepOutput('fetch', { echoed: values.GITHUB_TOKEN })).toThrowError(
      expect.objectContaining({
        code: 'SECRET_EXPOSURE',
        message: "Secret exposure detected in step 'fetch' output field 'echoed'",
      }),
    );
  });
});
