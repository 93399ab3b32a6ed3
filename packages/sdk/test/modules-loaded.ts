import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const RECORDER = new URL('./fixtures/record-modules.mjs', import.meta.url).href;

/**
 * Runs an ES module `script` in a fresh Node process that records every module it loads into
 * `recordFile`. Returns the last line the script printed and the recorded module list: what the
 * lazy-loading tests check for heavy packages.
 */
export async function runRecordingModules(
  script: string,
  recordFile: string,
): Promise<{ readonly lastLine: string; readonly modules: string }> {
  const { stdout } = await exec(
    process.execPath,
    ['--import', RECORDER, '--input-type=module', '-e', script],
    {
      env: { ...process.env, OW_RECORD_MODULES: recordFile },
    },
  );
  return { lastLine: stdout.trim().split('\n').at(-1)!, modules: await readFile(recordFile, 'utf8') };
}
