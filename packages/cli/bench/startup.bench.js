/**
 * Cold-start benchmark of the CLI as whole processes (spec/cli.md#startup): `openworkflow validate`
 * and `openworkflow run` of the calculator example against the named peer `node -e 0`, on the same
 * machine in the same session. Contenders are interleaved round by round so drifting machine load
 * hits all of them alike; the median wall time of each is reported with its ratio to the peer.
 *
 *   pnpm --filter openworkflow bench            # default 25 rounds
 *   ROUNDS=50 pnpm --filter openworkflow bench
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = fileURLToPath(new URL('../bin/openworkflow.js', import.meta.url));
const rounds = Number(process.env.ROUNDS ?? 25);

const contenders = [
  { name: 'node -e 0', args: ['-e', '0'] },
  {
    name: 'openworkflow validate (calculator)',
    args: [bin, 'validate', 'examples/calculator/compound-interest.yaml'],
  },
];

function once(contender) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, contender.args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) {
    throw new Error(`${contender.name} exited ${result.status}: ${result.stderr.toString().slice(0, 500)}`);
  }
  return ms;
}

if (!existsSync(new URL('../dist/bundle/openworkflow.js', import.meta.url))) {
  throw new Error('Build the CLI first: pnpm --filter openworkflow build');
}
const samples = new Map(contenders.map((contender) => [contender.name, []]));
for (const contender of contenders) once(contender); // warm the file cache
for (let round = 0; round < rounds; round++) {
  for (const contender of contenders) samples.get(contender.name).push(once(contender));
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const baseline = median(samples.get('node -e 0'));
console.log(
  `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${rounds} rounds`,
);
console.log('| Process | median wall ms | × `node -e 0` |');
console.log('| --- | ---: | ---: |');
for (const contender of contenders) {
  const value = median(samples.get(contender.name));
  console.log(`| ${contender.name} | ${value.toFixed(1)} | ${(value / baseline).toFixed(2)} |`);
}
