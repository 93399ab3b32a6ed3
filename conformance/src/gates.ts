/**
 * Which cases a run selects and how each one is gated before it runs. Profiles come from the
 * target's hello (plus what they imply), never from the user; gates check facts about the target
 * before facts about the suite.
 */
import type { ConformanceCase, ProfileDefinition } from './case-types.js';
import type { TargetCapabilities } from './protocol.js';

/** The `--profile` and `--filter` choices of a run. */
export interface CaseSelection {
  /** Only these profiles (of those the target claims). */
  readonly profiles?: readonly string[];
  /** Only cases whose `<profile>/<id>` or requirement id contains one of these texts (or matches one of these globs). */
  readonly filters?: readonly string[];
}

/** Whether `--profile`/`--filter` select a case. */
export function selectsCase(testCase: ConformanceCase, options: CaseSelection): boolean {
  if (options.profiles && !options.profiles.includes(testCase.profile)) return false;
  if (!options.filters || options.filters.length === 0) return true;
  const names = [`${testCase.profile}/${testCase.id}`, testCase.requirement];
  return options.filters.some((filter) => {
    if (!/[*?]/.test(filter)) return names.some((name) => name.includes(filter));
    const glob = filter
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.');
    const pattern = new RegExp(`^${glob}$`);
    return names.some((name) => pattern.test(name));
  });
}

/** The claimed profiles with everything they imply, limited to profiles this suite knows. */
export function expandProfiles(
  claimed: readonly string[],
  profiles: ReadonlyMap<string, ProfileDefinition>,
): string[] {
  const out = new Set<string>();
  const visit = (id: string) => {
    const profile = profiles.get(id);
    if (!profile || out.has(id)) return;
    out.add(id);
    profile.implies.forEach(visit);
  };
  claimed.forEach(visit);
  return [...out].sort();
}

/** The gate of a case, or undefined when it must run. */
export function gate(
  testCase: ConformanceCase,
  claimed: readonly string[],
  capabilities: TargetCapabilities,
): { disposition: 'inapplicable' | 'blocked'; reason: string } | undefined {
  if (!claimed.includes(testCase.profile)) {
    return { disposition: 'inapplicable', reason: `the target does not claim profile ${testCase.profile}` };
  }
  if (testCase.status === 'draft') {
    return {
      disposition: 'blocked',
      reason: `draft case: ${testCase.draftReason ?? 'expected values not final'}`,
    };
  }
  const missing = testCase.requires.filter((capability) => capabilities[capability] !== true);
  if (missing.length > 0) {
    return { disposition: 'blocked', reason: `the target lacks capability ${missing.join(', ')}` };
  }
  return undefined;
}
