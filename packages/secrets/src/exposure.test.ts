import { describe, expect, it } from 'vitest';
import { findSecretExposures, guardOutput } from './exposure.js';
import { SecretMasker } from './masker.js';
import { Redactor } from './redactor.js';

const CANARY = 'sk-CANARY-0123456789';

function redactor(): Redactor {
  const masker = new SecretMasker();
  masker.add('API_KEY', CANARY);
  return new Redactor({ masker });
}

describe('output policy (SEC-8)', () => {
  const output = {
    data: { items: ['fine', { raw: `token=${CANARY}` }] },
    encoded: Buffer.from(CANARY).toString('base64'),
  };

  it('finds every exposure by field and secret name', () => {
    expect(findSecretExposures(output, redactor())).toEqual([
      { field: 'data.items[1].raw', secret: 'API_KEY' },
      { field: 'encoded', secret: 'API_KEY' },
    ]);
    expect(findSecretExposures(CANARY, redactor())).toEqual([{ field: '(root)', secret: 'API_KEY' }]);
    expect(findSecretExposures({ [CANARY]: 1 }, redactor())).toHaveLength(1);
  });

  it('stores the output redacted when not blocking: downstream sees the placeholder', () => {
    expect(guardOutput({ step: 'fetch' }, output, redactor())).toEqual({
      data: { items: ['fine', { raw: 'token=[REDACTED:API_KEY]' }] },
      encoded: '[REDACTED:API_KEY]',
    });
  });

  it('fails with SECRET_EXPOSURE naming step and field, never the value', () => {
    const attempt = () => guardOutput({ step: 'fetch' }, output, redactor(), { blockOnExposure: true });
    expect(attempt).toThrowError(
      expect.objectContaining({
        code: 'SECRET_EXPOSURE',
        message: "Secret exposure detected in step 'fetch' output field 'data.items[1].raw'",
        details: { step_id: 'fetch', field: 'data.items[1].raw', secret_name: 'API_KEY' },
      }),
    );
    expect(() =>
      guardOutput({ workflow: 'report' }, { [CANARY]: 1 }, redactor(), { blockOnExposure: true }),
    ).toThrowError("Secret exposure detected in workflow 'report' output field '[REDACTED:API_KEY]'");
  });

  it('lets clean output through unchanged when blocking', () => {
    const clean = { ok: true, n: 3 };
    expect(guardOutput({ step: 's' }, clean, redactor(), { blockOnExposure: true })).toBe(clean);
  });
});
