/**
 * The suite's identity, read from its own package.json so reports always name the version that
 * produced them.
 */
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
};

export const SUITE_NAME: string = manifest.name;
export const SUITE_VERSION: string = manifest.version;
