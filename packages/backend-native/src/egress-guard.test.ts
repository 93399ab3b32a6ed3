import { OpenWorkflowError } from '@openworkflow/core';
import { describe, expect, it } from 'vitest';
import { failureOf } from '../test/failure.js';
import { stubResolver } from '../test/loopback.js';
import { createEgressGuard, type EgressGuard } from './egress-guard.js';

const resolver = stubResolver({
  'public.test': ['203.0.113.7'],
  'public.example': ['203.0.113.9'],
  'api.example.com': ['203.0.113.10'],
  'deep.api.example.com': ['203.0.113.11'],
  'example.com': ['203.0.113.12'],
  'evil.com': ['203.0.113.13'],
  'bad.example.com': ['203.0.113.14'],
  'svc.test': ['10.0.0.5'],
  'mixed.test': ['203.0.113.7', '10.0.0.7'],
  'mcp.internal.test': ['10.1.2.3'],
  'ten.test': ['10.9.9.9'],
  'seventeen.test': ['172.20.0.1'],
  'home.test': ['192.168.1.1'],
  localhost: ['127.0.0.1', '::1'],
  'garbage.test': ['not-an-ip'],
  'empty.test': [],
  'doc.test': ['203.0.113.200'],
});

const defaultGuard = createEgressGuard({ resolver });

async function expectRefused(guard: EgressGuard, url: string, rule: string, category?: string) {
  const error = await failureOf(guard.check(url));
  expect(error.code).toBe('POLICY_VIOLATION');
  expect(error.details.rule).toBe(rule);
  expect(typeof error.details.url_host).toBe('string');
  if (category !== undefined) expect(error.details.category).toBe(category);
  return error;
}

describe('default-deny profile (security cases S-2 … S-12)', () => {
  it.each([
    // S-2
    ['http://localhost/', 'loopback'],
    ['http://LOCALHOST./', 'loopback'],
    ['http://app.localhost/', 'loopback'],
    // S-3: every numeric spelling is normalised to 127.0.0.1 by the WHATWG parser
    ['http://2130706433/', 'loopback'],
    ['http://0x7f.1/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://127.1/', 'loopback'],
    // S-4: a leading zero means octal, so this is 10.0.0.1
    ['http://012.0.0.1/', 'private'],
    // S-5: fullwidth digits and ideographic full stops
    ['http://１２７。０。０。１/', 'loopback'],
    // S-6
    ['http://0/', 'unspecified'],
    ['http://0.0.0.0/', 'unspecified'],
    // S-7
    ['http://[::1]/', 'loopback'],
    ['http://[0:0:0:0:0:0:0:1]/', 'loopback'],
    ['http://[::]/', 'unspecified'],
    // S-8: IPv4-mapped and IPv4-compatible forms
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::ffff:7f00:1]/', 'loopback'],
    ['http://[::127.0.0.1]/', 'ipv4_compatible'],
    // S-9: NAT64 and 6to4 embed 169.254.169.254
    ['http://[64:ff9b::a9fe:a9fe]/', 'nat64'],
    ['http://[2002:a9fe:a9fe::]/', '6to4'],
    // S-10: metadata services
    ['http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['http://169.254.169.254./', 'metadata'],
    ['http://[fd00:ec2::254]/', 'metadata'],
    ['http://100.100.100.200/', 'metadata'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'metadata'],
    ['http://[::ffff:169.254.169.254]/', 'metadata'],
    // S-11
    ['http://100.64.0.1/', 'shared_address_space'],
    ['http://100.127.255.254/', 'shared_address_space'],
    ['http://198.18.0.1/', 'benchmarking'],
    ['http://198.19.255.255/', 'benchmarking'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://239.255.255.250/', 'multicast'],
    ['http://240.0.0.1/', 'reserved'],
    ['http://255.255.255.255/', 'broadcast'],
    ['http://[fe80::1]/', 'link_local'],
    ['http://[fc00::1]/', 'private'],
    ['http://[fd12:3456::1]/', 'private'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://10.255.255.255/', 'private'],
    ['http://172.31.0.1/', 'private'],
    ['http://192.168.0.1/', 'private'],
    // S-12: the name is harmless, the answer is not
    ['http://svc.test/', 'private'],
  ])('refuses %s (%s)', async (url, category) => {
    await expectRefused(defaultGuard, url, 'default_deny', category);
  });

  it('accepts a public host and returns the checked addresses with the parsed URL', async () => {
    const target = await defaultGuard.check('https://public.test/path?q=1');
    expect(target.url.href).toBe('https://public.test/path?q=1');
    expect(target.port).toBe(443);
    expect(target.addresses).toEqual([{ address: '203.0.113.7', family: 4 }]);
  });

  it('S-14: refuses a mixed answer whole instead of picking the good address', async () => {
    const error = await expectRefused(defaultGuard, 'http://mixed.test/', 'default_deny', 'private');
    expect(error.details.address).toBe('10.0.0.7');
  });

  it('reports the blocked address and never the URL path or query', async () => {
    const error = await expectRefused(defaultGuard, 'http://svc.test/secret?token=abc', 'default_deny');
    expect(error.details).toEqual({
      url_host: 'svc.test',
      rule: 'default_deny',
      address: '10.0.0.5',
      category: 'private',
    });
    expect(JSON.stringify(error.toJSON())).not.toContain('token=abc');
  });

  it('refuses an answer that is not an IP address', async () => {
    await expectRefused(defaultGuard, 'http://garbage.test/', 'invalid_address');
  });

  it('fails with UNAVAILABLE when the host does not resolve or has no addresses', async () => {
    for (const url of ['http://nowhere.test/', 'http://empty.test/']) {
      const error = await failureOf(defaultGuard.check(url));
      expect(error.code).toBe('UNAVAILABLE');
    }
  });

  it('refuses URLs the WHATWG parser rejects, such as IPv6 zone ids', async () => {
    await expectRefused(defaultGuard, 'http://[fe80::1%25eth0]/', 'invalid_url');
    await expectRefused(defaultGuard, 'not a url', 'invalid_url');
  });
});

describe('scheme, userinfo and port policy (S-17, S-18, S-19)', () => {
  it.each([
    'file:///etc/passwd',
    'gopher://public.test/',
    'ftp://public.test/',
    'data:text/plain,hello',
    'ws://public.test/',
    'javascript:alert(1)',
  ])('S-17: refuses %s by the scheme allowlist', async (url) => {
    await expectRefused(defaultGuard, url, 'scheme');
  });

  it('S-17: allows ws:// only when enabled', async () => {
    const guard = createEgressGuard({ resolver, allowedSchemes: ['http', 'https', 'ws'] });
    await expect(guard.check('ws://public.test/')).resolves.toMatchObject({ port: 80 });
  });

  it.each([
    'http://user:pass@public.test/',
    'http://user@public.test/',
    'http://:pass@public.test/',
    'http://public.test@127.0.0.1/',
  ])('S-18: refuses userinfo in %s', async (url) => {
    await expectRefused(defaultGuard, url, 'userinfo');
  });

  it('S-18: the backslash form is validated as the host the connection will use', async () => {
    const target = await defaultGuard.check('http://public.example\\@127.0.0.1/');
    expect(target.url.hostname).toBe('public.example');
    expect(target.url.pathname).toBe('/@127.0.0.1/');
    expect(target.addresses).toEqual([{ address: '203.0.113.9', family: 4 }]);
  });

  it('S-19 / U-256: enforces allowedPorts with the scheme default port', async () => {
    const guard = defaultGuard.restrict({ allowedPorts: [80, 443] });
    await expectRefused(guard, 'http://public.test:22/', 'port_not_allowed');
    await expect(guard.check('http://public.test/')).resolves.toMatchObject({ port: 80 });
    await expect(guard.check('https://public.test/')).resolves.toMatchObject({ port: 443 });
  });

  it('U-256: enforces blockedPorts', async () => {
    const guard = defaultGuard.restrict({ blockedPorts: [22, 23, 3306, 5432, 6379] });
    await expectRefused(guard, 'http://public.test:6379/', 'port_blocked');
    await expect(guard.check('http://public.test:8080/')).resolves.toMatchObject({ port: 8080 });
  });

  it('U-255: requireHTTPS and allowedSchemes [https] reject http://', async () => {
    for (const policy of [
      { requireHTTPS: true },
      { allowedSchemes: ['https'] },
      { allowedSchemes: ['HTTPS:'] },
    ]) {
      const guard = defaultGuard.restrict(policy);
      await expectRefused(guard, 'http://public.test/', 'scheme');
      await expect(guard.check('https://public.test/')).resolves.toBeDefined();
    }
  });

  it('a handler policy cannot widen the operator scheme list', async () => {
    const guard = defaultGuard.restrict({ allowedSchemes: ['ws', 'http'] });
    await expectRefused(guard, 'ws://public.test/', 'scheme');
    await expect(guard.check('http://public.test/')).resolves.toBeDefined();
  });
});

describe('urlValidation domain lists and IP ranges (U-250 … U-254)', () => {
  it('U-250 / U-251: *.example.com allows subdomains, refuses the apex and other domains', async () => {
    const guard = defaultGuard.restrict({ allowedDomains: ['*.example.com'] });
    await expect(guard.check('https://api.example.com/')).resolves.toBeDefined();
    await expect(guard.check('https://deep.api.example.com/')).resolves.toBeDefined();
    await expect(guard.check('https://API.Example.COM./')).resolves.toBeDefined();
    await expectRefused(guard, 'https://evil.com/', 'domain_not_allowed');
    await expectRefused(guard, 'https://example.com/', 'domain_not_allowed');
  });

  it('matches exact entries case-insensitively and ignoring a trailing dot', async () => {
    const guard = defaultGuard.restrict({ allowedDomains: ['Public.Test.'] });
    await expect(guard.check('http://public.test/')).resolves.toBeDefined();
    await expect(guard.check('http://PUBLIC.test./')).resolves.toBeDefined();
    await expectRefused(guard, 'http://evil.com/', 'domain_not_allowed');
  });

  it('U-252: blockedDomains blocks metadata names, IP spellings and localhost', async () => {
    const guard = createEgressGuard({
      resolver,
      allowedAddresses: ['127.0.0.0/8'],
      allowedHosts: ['localhost'],
    }).restrict({
      blockedDomains: ['169.254.169.254', 'metadata.google.internal', 'localhost', '127.0.0.1'],
    });
    await expectRefused(guard, 'http://169.254.169.254/', 'domain_blocked');
    await expectRefused(guard, 'http://metadata.google.internal/', 'domain_blocked');
    await expectRefused(guard, 'http://localhost/', 'domain_blocked');
    // The entry is parsed like a URL host, so other spellings of the same address match it.
    await expectRefused(guard, 'http://2130706433/', 'domain_blocked');
  });

  it('blocked wins over allowed', async () => {
    const guard = defaultGuard.restrict({
      allowedDomains: ['*.example.com'],
      blockedDomains: ['bad.example.com'],
    });
    await expectRefused(guard, 'http://bad.example.com/', 'domain_blocked');
    await expect(guard.check('http://api.example.com/')).resolves.toBeDefined();
  });

  it('U-253: blockedIpRanges apply to resolved addresses, even where the operator lifted the default', async () => {
    const guard = createEgressGuard({
      resolver,
      allowedAddresses: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
    });
    await expect(guard.check('http://ten.test/')).resolves.toBeDefined();
    const restricted = guard.restrict({ blockedIpRanges: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] });
    for (const url of ['http://ten.test/', 'http://seventeen.test/', 'http://home.test/']) {
      await expectRefused(restricted, url, 'ip_range_blocked');
    }
  });

  it('blockedIpRanges also refuse public ranges', async () => {
    const guard = defaultGuard.restrict({ blockedIpRanges: ['203.0.113.0/24'] });
    await expectRefused(guard, 'http://doc.test/', 'ip_range_blocked');
  });

  it('rejects malformed configuration entries with the field that holds them', async () => {
    const cases = [
      [{ blockedIpRanges: ['10.0.0.0/33'] }, 'urlValidation.blockedIpRanges[0]'],
      [{ blockedIpRanges: ['10.0.0.0/8', 'ten'] }, 'urlValidation.blockedIpRanges[1]'],
      [{ allowedDomains: ['a*.example.com'] }, 'urlValidation.allowedDomains[0]'],
      [{ blockedDomains: ['example.com:443'] }, 'urlValidation.blockedDomains[0]'],
      [{ allowedPorts: [0] }, 'urlValidation.allowedPorts[0]'],
    ] as const;
    for (const [policy, field] of cases) {
      let thrown: unknown;
      try {
        defaultGuard.restrict(policy);
      } catch (error) {
        thrown = error;
      }
      expect(OpenWorkflowError.is(thrown) && thrown.code).toBe('VALIDATION');
      expect((thrown as OpenWorkflowError).details.field).toBe(field);
    }
  });
});

describe('explicit allowlisting', () => {
  it('allowedAddresses lifts exactly the listed addresses', async () => {
    const guard = createEgressGuard({ resolver, allowedAddresses: ['127.0.0.1'] });
    await expect(guard.check('http://127.0.0.1:8080/')).resolves.toMatchObject({ port: 8080 });
    await expectRefused(guard, 'http://127.0.0.2:8080/', 'default_deny', 'loopback');
    await expectRefused(guard, 'http://[::1]:8080/', 'default_deny', 'loopback');
  });

  it('never lifts metadata addresses or names', async () => {
    const guard = createEgressGuard({
      resolver,
      allowedAddresses: ['169.254.0.0/16', '0.0.0.0/0'],
      allowedHosts: ['metadata.google.internal'],
    });
    await expectRefused(guard, 'http://169.254.169.254/', 'default_deny', 'metadata');
    await expectRefused(guard, 'http://metadata.google.internal/', 'default_deny', 'metadata');
    await expect(guard.check('http://169.254.1.1/')).resolves.toBeDefined();
  });

  it('the system resolver answers from the platform (localhost is loopback everywhere)', async () => {
    const guard = createEgressGuard({ allowedHosts: ['localhost'] });
    const target = await guard.check('http://localhost/');
    expect(target.addresses.length).toBeGreaterThan(0);
    for (const { address } of target.addresses) expect(['127.0.0.1', '::1']).toContain(address);
    await expectRefused(createEgressGuard(), 'http://localhost/', 'default_deny', 'loopback');
  });

  it('allowedHosts lifts the name and every address it resolves to', async () => {
    const guard = createEgressGuard({ resolver, allowedHosts: ['localhost', '*.svc.test'] });
    const target = await guard.check('http://localhost:3000/');
    expect(target.addresses.map((answer) => answer.address)).toEqual(['127.0.0.1', '::1']);
    await expectRefused(guard, 'http://svc.test/', 'default_deny', 'private');
  });

  it('blockedIpRanges win over allowedAddresses', async () => {
    const guard = createEgressGuard({ resolver, allowedAddresses: ['127.0.0.1'] }).restrict({
      blockedIpRanges: ['127.0.0.0/8'],
    });
    await expectRefused(guard, 'http://127.0.0.1/', 'ip_range_blocked');
  });

  it('an operator policy layer applies to every request', async () => {
    const guard = createEgressGuard({ resolver, policy: { blockedDomains: ['evil.com'] } });
    await expectRefused(guard, 'http://evil.com/', 'domain_blocked');
  });
});

describe('S-22: MCP streamable-http endpoints go through the same guard', () => {
  it.each([
    'http://169.254.169.254/mcp',
    'http://localhost:8080/mcp',
    'http://mcp.internal.test/mcp',
    'http://[::1]:3000/mcp',
  ])('refuses %s', async (url) => {
    await expectRefused(defaultGuard, url, 'default_deny');
  });
});
