import { BlockList, isIP } from 'node:net';

/**
 * Why an address is refused by the default-deny profile. `metadata` is never lifted by an
 * allowlist: no workflow has a reason to read cloud instance credentials.
 */
export type AddressCategory =
  | 'metadata'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'shared_address_space'
  | 'benchmarking'
  | 'broadcast'
  | 'multicast'
  | 'reserved'
  | 'ipv4_compatible'
  | 'nat64'
  | '6to4'
  | 'teredo';

/**
 * The default-deny profile: addresses an outbound request must never reach unless the operator
 * allows them explicitly. Order matters only for the category reported (metadata before link-local).
 * IPv4-mapped IPv6 (`::ffff:a.b.c.d`) needs no entry: `net.BlockList` matches it against the IPv4
 * subnets. NAT64 and 6to4 embed an IPv4 address that a gateway will reach, so they are refused whole.
 */
const DEFAULT_DENY: readonly (readonly [AddressCategory, string])[] = [
  ['metadata', '169.254.169.254/32'], // AWS, GCP, Azure, OpenStack instance metadata
  ['metadata', '169.254.170.2/32'], // AWS ECS task credentials
  ['metadata', '100.100.100.200/32'], // Alibaba Cloud
  ['metadata', '192.0.0.192/32'], // Oracle Cloud
  ['metadata', 'fd00:ec2::254/128'], // AWS IMDS over IPv6
  ['unspecified', '0.0.0.0/8'],
  ['unspecified', '::/128'],
  ['loopback', '127.0.0.0/8'],
  ['loopback', '::1/128'],
  ['private', '10.0.0.0/8'],
  ['private', '172.16.0.0/12'],
  ['private', '192.168.0.0/16'],
  ['private', 'fc00::/7'], // unique local
  ['private', 'fec0::/10'], // deprecated site-local
  ['link_local', '169.254.0.0/16'],
  ['link_local', 'fe80::/10'],
  ['shared_address_space', '100.64.0.0/10'], // carrier-grade NAT
  ['benchmarking', '198.18.0.0/15'],
  ['benchmarking', '2001:2::/48'],
  ['broadcast', '255.255.255.255/32'],
  ['multicast', '224.0.0.0/4'],
  ['multicast', 'ff00::/8'],
  ['reserved', '240.0.0.0/4'],
  ['reserved', '192.0.0.0/24'], // IETF protocol assignments
  ['reserved', '192.88.99.0/24'], // deprecated 6to4 relay anycast
  ['reserved', '100::/64'], // discard-only
  ['ipv4_compatible', '::/96'],
  ['nat64', '64:ff9b::/96'],
  ['nat64', '64:ff9b:1::/48'],
  ['6to4', '2002::/16'],
  ['teredo', '2001::/32'],
];

/** Hostnames refused before any resolution; they name loopback or metadata services everywhere. */
export const DEFAULT_DENY_HOSTS: readonly (readonly [AddressCategory, string])[] = [
  ['loopback', 'localhost'],
  ['loopback', '*.localhost'],
  ['metadata', 'metadata.google.internal'],
  ['metadata', 'metadata.goog'],
  ['metadata', 'metadata.azure.internal'],
  ['metadata', 'instance-data'],
  ['metadata', 'instance-data.ec2.internal'],
];

type Family = 'ipv4' | 'ipv6';

/** An address or CIDR range from configuration, parsed. */
export interface IpRange {
  readonly network: string;
  readonly prefix: number;
  readonly family: Family;
}

/**
 * Parses `10.0.0.0/8`, `fd00::/8` or a bare address (a /32 or /128). Returns `undefined` for
 * anything else; callers turn that into a validation error naming the field.
 */
export function parseIpRange(text: string): IpRange | undefined {
  const [network = '', prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return undefined;
  const version = isIP(network);
  if (version === 0) return undefined;
  const family: Family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  if (prefixText === undefined) return { network, prefix: max, family };
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix <= max ? { network, prefix, family } : undefined;
}

/** A set of ranges answering "does this address fall in any of them?". */
export interface AddressSet {
  has(address: string): boolean;
}

/** Builds a set from parsed ranges (`net.BlockList`, which also matches IPv4-mapped IPv6). */
export function createAddressSet(ranges: readonly IpRange[]): AddressSet {
  const list = new BlockList();
  for (const range of ranges) list.addSubnet(range.network, range.prefix, range.family);
  return { has: (address) => checkAddress(list, address) };
}

const DEFAULT_DENY_LISTS: readonly (readonly [AddressCategory, BlockList])[] = (() => {
  const lists = new Map<AddressCategory, BlockList>();
  for (const [category, cidr] of DEFAULT_DENY) {
    const range = parseIpRange(cidr);
    if (range === undefined) throw new Error(`Invalid built-in range ${cidr}`);
    let list = lists.get(category);
    if (list === undefined) {
      list = new BlockList();
      lists.set(category, list);
    }
    list.addSubnet(range.network, range.prefix, range.family);
  }
  return [...lists];
})();

/** The default-deny category of `address`, or `undefined` when it is globally routable. */
export function classifyAddress(address: string): AddressCategory | undefined {
  for (const [category, list] of DEFAULT_DENY_LISTS) {
    if (checkAddress(list, address)) return category;
  }
  return undefined;
}

/**
 * Removes an IPv6 zone id (`fe80::1%eth0`): `BlockList` rejects it, and the zone does not change
 * which range the address is in.
 */
export function stripZone(address: string): string {
  const percent = address.indexOf('%');
  return percent === -1 ? address : address.slice(0, percent);
}

function checkAddress(list: BlockList, address: string): boolean {
  const bare = stripZone(address);
  const version = isIP(bare);
  if (version === 0) return false;
  return list.check(bare, version === 4 ? 'ipv4' : 'ipv6');
}
