import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REFERENCE_PATTERNS } from './normalize-shared.js';
import {
  classifyVersion,
  formatActionAddress,
  formatResourceId,
  parseActionAddress,
  parseResourceId,
  resolveVersion,
  SEMVER_PATTERN,
  versionMatches,
} from './resource-id.js';

describe('parseResourceId', () => {
  it('parses type, namespace, name and version', () => {
    expect(parseResourceId('connector:community/slack@1.2.0')).toEqual({
      ok: true,
      value: { type: 'connector', namespace: 'community', name: 'slack', version: '1.2.0' },
    });
  });

  it('accepts every resource type, versionless ids, ranges and dist-tags', () => {
    for (const text of [
      'workflow:openworkflow/daily-weather-to-slack@1.0.0',
      'agent:openworkflow/triage-bot@0.2.0',
      'bundle:openworkflow/startup-starter@1.0.0',
      'connector:github/mcp',
      'connector:github/mcp@~0.4',
      'connector:community/slack@latest',
      'connector:community/slack@canary',
      'connector:malicious/backdoor@*',
    ]) {
      const parsed = parseResourceId(text);
      expect(parsed.ok, text).toBe(true);
      if (parsed.ok) expect(formatResourceId(parsed.value)).toBe(text);
    }
  });

  it.each([
    ['slack', 'no type prefix'],
    ['plugin:community/slack@1.0.0', '"plugin" is not a resource type'],
    ['connector:slack', 'no namespace'],
    ['connector:community/Slack_API@1.0.0', 'name "Slack_API" is not kebab-case'],
    ['connector:Community/slack', 'namespace "Community" is not kebab-case'],
    ['connector:community/slack@1.0.0 ||| x', 'neither a SemVer version'],
  ])('rejects %j', (text, reason) => {
    const parsed = parseResourceId(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(reason);
  });

  it('rejects a reference of another type when one is expected', () => {
    const parsed = parseResourceId('agent:acme/bot@1.0.0', 'connector');
    expect(parsed).toEqual({ ok: false, message: 'expected a connector reference, found a agent reference' });
  });
});

describe('action addresses', () => {
  it('parses connector:namespace/name.action', () => {
    const parsed = parseActionAddress('connector:github/mcp.create_issue');
    expect(parsed).toEqual({
      ok: true,
      value: { connector: { type: 'connector', namespace: 'github', name: 'mcp' }, action: 'create_issue' },
    });
    if (parsed.ok) expect(formatActionAddress(parsed.value)).toBe('connector:github/mcp.create_issue');
  });

  it('rejects addresses without an action, with a version, or of another type', () => {
    expect(parseActionAddress('connector:github/mcp').ok).toBe(false);
    expect(parseActionAddress('connector:github/mcp@0.4.1.create_issue').ok).toBe(false);
    expect(parseActionAddress('agent:github/mcp.create_issue').ok).toBe(false);
    expect(parseActionAddress('connector:github/mcp.create-issue').ok).toBe(false);
  });
});

describe('classifyVersion', () => {
  it.each([
    ['1.2.0', 'exact'],
    ['1.0.0-beta.1', 'exact'],
    ['10.4.0+build.7', 'exact'],
    ['~0.4', 'range'],
    ['>=0.1.0 <0.3.0', 'range'],
    ['^1.2.0', 'range'],
    ['*', 'range'],
    ['x', 'range'],
    ['1.x', 'range'],
    ['latest', 'tag'],
    ['canary', 'tag'],
    ['next-2', 'tag'],
  ])('%s is %s', (version, kind) => {
    expect(classifyVersion(version)).toBe(kind);
  });

  it('rejects what is none of these', () => {
    expect(classifyVersion('')).toBeUndefined();
    expect(classifyVersion('1.0.0 ||| x')).toBeUndefined();
    expect(classifyVersion('@@')).toBeUndefined();
  });
});

describe('resolveVersion', () => {
  const published = ['0.3.9', '0.4.0', '0.4.1', '0.4.2-beta.1', '0.5.0', '1.0.0', '1.1.0-rc.1'];

  it('resolves a missing version to the latest tag, else the highest stable version', () => {
    expect(resolveVersion(published, undefined, { tags: { latest: '0.5.0' } })).toMatchObject({
      version: '0.5.0',
    });
    expect(resolveVersion(published, undefined)).toMatchObject({ version: '1.0.0' });
    expect(resolveVersion(['1.0.0-rc.1'], undefined)).toMatchObject({ ok: false, reason: 'not-found' });
  });

  it('resolves tilde and comparator ranges with node-semver semantics', () => {
    expect(resolveVersion(published, '~0.4')).toEqual({ ok: true, version: '0.4.1', deprecated: false });
    expect(resolveVersion(published, '>=0.1.0 <0.5.0')).toMatchObject({ version: '0.4.1' });
    expect(resolveVersion(published, '~0.4.2-beta.0')).toMatchObject({ version: '0.4.2-beta.1' });
    expect(resolveVersion(published, '^2.0.0')).toMatchObject({ ok: false, reason: 'no-match' });
  });

  it('resolves dist-tags to the versions they point at', () => {
    const tags = { latest: '1.0.0', canary: '1.1.0-rc.1', stale: '9.9.9' };
    expect(resolveVersion(published, 'latest', { tags })).toMatchObject({ version: '1.0.0' });
    expect(resolveVersion(published, 'canary', { tags })).toMatchObject({ version: '1.1.0-rc.1' });
    expect(resolveVersion(published, 'beta', { tags })).toMatchObject({ ok: false, reason: 'unknown-tag' });
    expect(resolveVersion(published, 'stale', { tags })).toMatchObject({ ok: false, reason: 'not-found' });
    expect(resolveVersion(published, 'toString', { tags })).toMatchObject({
      ok: false,
      reason: 'unknown-tag',
    });
  });

  it('skips deprecated versions while another matches and flags a deprecated pick', () => {
    expect(resolveVersion(published, '~0.4', { deprecated: ['0.4.1'] })).toEqual({
      ok: true,
      version: '0.4.0',
      deprecated: false,
    });
    expect(resolveVersion(published, '~0.4', { deprecated: ['0.4.0', '0.4.1'] })).toEqual({
      ok: true,
      version: '0.4.1',
      deprecated: true,
    });
  });

  it('requires exact versions to be published', () => {
    expect(resolveVersion(published, '0.4.0')).toMatchObject({ ok: true, version: '0.4.0' });
    expect(resolveVersion(published, '0.4.9')).toMatchObject({ ok: false, reason: 'not-found' });
    expect(resolveVersion(published, '@@')).toMatchObject({ ok: false, reason: 'invalid-version' });
  });
});

describe('versionMatches', () => {
  it('matches blocklist slots, `*` including prereleases', () => {
    expect(versionMatches('1.1.0-rc.1', '*')).toBe(true);
    expect(versionMatches('1.0.0', undefined)).toBe(true);
    expect(versionMatches('1.0.0', '1.0.0')).toBe(true);
    expect(versionMatches('1.0.1', '1.0.0')).toBe(false);
    expect(versionMatches('0.4.7', '~0.4')).toBe(true);
    expect(versionMatches('1.0.0', 'latest')).toBe(false);
  });
});

describe('reference patterns', () => {
  it('SEMVER_PATTERN is the pattern of the schemas’ semver definition', () => {
    const common = JSON.parse(
      readFileSync(new URL('../../../spec/schemas/common.schema.json', import.meta.url), 'utf8'),
    );
    expect(common.$defs.semver.pattern).toBe(SEMVER_PATTERN.source);
  });

  it('are the patterns of the schemas’ reference definitions', () => {
    const common = JSON.parse(
      readFileSync(new URL('../../../spec/schemas/common.schema.json', import.meta.url), 'utf8'),
    );
    expect(common.$defs.connectorRef.pattern).toBe(
      REFERENCE_PATTERNS.connector.source.replaceAll('\\/', '/'),
    );
    expect(common.$defs.agentRef.pattern).toBe(REFERENCE_PATTERNS.agent.source.replaceAll('\\/', '/'));
    expect(common.$defs.workflowRef.pattern).toBe(REFERENCE_PATTERNS.workflow.source.replaceAll('\\/', '/'));
    expect(common.$defs.resourceRef.pattern).toBe(REFERENCE_PATTERNS.any.source.replaceAll('\\/', '/'));
  });
});
