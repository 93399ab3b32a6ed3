/**
 * The committed validators in src/generated/ are exactly what scripts/generate.js produces from
 * spec/schemas/, so a schema edit without `pnpm generate` fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createAjv,
  GENERATED_DIR,
  generateFiles,
  readSchemas,
  SCHEMA_FILES,
  VALIDATORS,
} from '../scripts/generate.js';
import {
  type GeneratedValidator,
  validateBundleDocument,
  validateConnectorDocument,
  validateWorkflowDocument,
} from '../src/generated/validators.js';

describe('generated validators', () => {
  it('match a fresh generation from spec/schemas', { timeout: 60_000 }, async () => {
    const files = await generateFiles();
    expect(Object.keys(files).sort()).toEqual(['validators.d.ts', 'validators.js']);
    for (const [name, content] of Object.entries(files)) {
      expect(
        readFileSync(join(GENERATED_DIR, name), 'utf8'),
        `src/generated/${name} is stale: run pnpm generate`,
      ).toBe(content);
    }
  });

  it('every schema is draft 2020-12, has an $id and says it is derived from spec v0.1.0', async () => {
    const schemas = await readSchemas();
    expect(schemas).toHaveLength(SCHEMA_FILES.length);
    for (const schema of schemas) {
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(String(schema.$id)).toMatch(
        /^https:\/\/schemas\.openworkflow-ts\.dev\/0\.1\.0\/[a-z-]+\.schema\.json$/,
      );
      expect(String(schema.description)).toContain('Derived from OpenWorkflow spec v0.1.0');
    }
  });

  it('agree with validators compiled at run time from the same schemas', { timeout: 60_000 }, async () => {
    const ajv = createAjv(await readSchemas());
    const documents: [unknown, string, GeneratedValidator][] = [
      [
        { workflows: [{ name: 'w', steps: [{ id: 's', type: 'wait', duration: '1s' }] }] },
        VALIDATORS.validateWorkflowDocument!,
        validateWorkflowDocument,
      ],
      [
        { workflows: [{ name: 'w', steps: [{ id: 's', type: 'wait', duration: 'x', extra: 1 }] }] },
        VALIDATORS.validateWorkflowDocument!,
        validateWorkflowDocument,
      ],
      [
        { type: 'bundle', name: 'b', namespace: 'n', version: '1', includes: [] },
        VALIDATORS.validateBundleDocument!,
        validateBundleDocument,
      ],
      [{ type: 'connector', kind: 'x' }, VALIDATORS.validateConnectorDocument!, validateConnectorDocument],
    ];
    for (const [document, id, generated] of documents) {
      const compiled = ajv.getSchema(id)!;
      expect(generated(document)).toBe(compiled(document));
      expect(generated.errors?.map((error) => [error.instancePath, error.keyword])).toEqual(
        compiled.errors?.map((error: { instancePath: string; keyword: string }) => [
          error.instancePath,
          error.keyword,
        ]),
      );
    }
  });
});
