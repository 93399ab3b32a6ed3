/**
 * Cold-start benchmark of the CLI as whole processes (spec/cli.md#startup): `openworkflow validate`
 * and `openworkflow run` of the calculator example against the named peer `node -e 0`, on the same
 * machine in the same session. Contenders are interleaved round by round so drifting machine load
 * hits all of them alike. Reported per contender: the median wall time, and the median CPU time
 * (user + system) the process itself used, read at exit by a preload every contender gets — on a
 * shared, loaded machine CPU time is the steadier of the two.
 *
 *   pnpm --filter openworkflow bench            # default 25 rounds
 *   ROUNDS=50 pnpm --filter openworkflow bench
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = fileURLToPath(new URL('../bin/openworkflow.js', import.meta.url));
const preload = new URL('./report-cpu.mjs', import.meta.url).href;
const rounds = Number(process.env.ROUNDS ?? 25);
const scratch = mkdtempSync(join(tmpdir(), 'ow-bench-'));
const cpuFile = join(scratch, 'cpu.txt');

const contenders = [
  { name: 'node -e 0', args: ['-e', '0'] },
  {
    name: 'openworkflow validate (calculator)',
    args: [bin, 'validate', 'examples/calculator/compound-interest.yaml'],
  },
  { name: 'openworkflow run (calculator)', args: [bin, 'run', 'examples/calculator/compound-interest.yaml'] },
];

function once(contender) {
  writeFileSync(cpuFile, '');
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--import', preload, ...contender.args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, OW_BENCH_CPU_FILE: cpuFile },
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) {
    throw new Error(`${contender.name} exited ${result.status}: ${result.stderr.toString().slice(0, 500)}`);
  }
  return { wall, cpu: Number(readFileSync(cpuFile, 'utf8').trim()) };
}

if (!existsSync(new URL('../dist/bundle/openworkflow.js', import.meta.url))) {
  throw new Error('Build the CLI first: pnpm --filter openworkflow build');
}
const samples = new Map(contenders.map((contender) => [contender.name, []]));
try {
  for (const contender of contenders) once(contender); // warm the file cache
  for (let round = 0; round < rounds; round++) {
    for (const contender of contenders) samples.get(contender.name).push(once(contender));
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const stat = (name, key) => median(samples.get(name).map((sample) => sample[key]));
const baseWall = stat('node -e 0', 'wall');
const baseCpu = stat('node -e 0', 'cpu');
console.log(
  `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${rounds} rounds, load average ${loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')}`,
);
console.log('| Process | median wall ms | × `node -e 0` | median CPU ms | × `node -e 0` |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const { name } of contenders) {
  const wall = stat(name, 'wall');
  const cpu = stat(name, 'cpu');
  console.log(
    `| ${name} | ${wall.toFixed(1)} | ${(wall / baseWall).toFixed(2)} | ${cpu.toFixed(1)} | ${(cpu / baseCpu).toFixed(2)} |`,
  );
}
