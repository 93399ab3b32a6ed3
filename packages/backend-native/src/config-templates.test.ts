// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests write handler configs in the ${…} syntax
import { describe, expect, it } from 'vitest';
import { contextOf, invocationOf, secretsOf } from '../test/invocation.js';
import { renderConfigText, type TemplateScope, templateScope } from './config-templates.js';

const scope: TemplateScope = {
  input: { repo: 'owner/name', n: 3, nested: { a: 1 }, sneaky: '${secrets.TOKEN} {{ secrets.TOKEN }}' },
  env: { REGION: 'eu', SHARED: 'from-env', ONLY_ENV: 'env-value' },
  secrets: secretsOf({ TOKEN: 'tok-123', SHARED: 'from-secrets' }),
};

const render = (text: string) => renderConfigText(text, scope, 'url');

describe('renderConfigText', () => {
  it('renders input, env and secret references and reports the secrets it used', () => {
    expect(render('https://api.example.com/repos/${input.repo}/issues?n=${input.n}')).toEqual({
      value: 'https://api.example.com/repos/owner/name/issues?n=3',
      secrets: [],
    });
    expect(render('${env.REGION}:${secrets.TOKEN}')).toEqual({ value: 'eu:tok-123', secrets: ['TOKEN'] });
    expect(render('{{ input.nested }}').value).toBe('{"a":1}');
  });

  it('C-39: a bare ${NAME} reads secrets first, then env', () => {
    expect(render('${SHARED}')).toEqual({ value: 'from-secrets', secrets: ['SHARED'] });
    expect(render('${ONLY_ENV}')).toEqual({ value: 'env-value', secrets: [] });
  });

  it('never parses substituted values again', () => {
    expect(render('${input.sneaky}')).toEqual({ value: '${secrets.TOKEN} {{ secrets.TOKEN }}', secrets: [] });
  });

  it('reports unresolved references and malformed templates as VALIDATION naming the field', () => {
    expect(() => render('${env.MISSING}')).toThrowError(
      expect.objectContaining({
        code: 'VALIDATION',
        details: expect.objectContaining({ field: 'url', constraint: 'resolved' }),
      }),
    );
    expect(() => render('${input.x | upper}')).toThrowError(
      expect.objectContaining({
        code: 'VALIDATION',
        details: expect.objectContaining({ constraint: 'template' }),
      }),
    );
    expect(() => render('{{ steps.a }}')).toThrowError(expect.objectContaining({ code: 'VALIDATION' }));
  });
});

describe('templateScope', () => {
  it('limits env to the variables the connector declares, when it declares any', () => {
    const environment = { API_URL: 'http://x', HOME: '/root' };
    const { connector, input } = invocationOf(
      { type: 'function', function: 'f' },
      {},
      {},
      {
        runtime: {
          timeoutMs: 1000,
          environment: [
            { name: 'API_URL', required: true },
            { name: 'ABSENT', required: false },
          ],
        },
      },
    );
    expect(templateScope(connector, input, contextOf({ environment })).env).toEqual({ API_URL: 'http://x' });
    const open = invocationOf({ type: 'function', function: 'f' });
    expect(templateScope(open.connector, open.input, contextOf({ environment })).env).toEqual(environment);
  });
});
