// Preloaded by startup.bench.js (`node --import`): when the process exits, appends the CPU time it
// used since it started (user + system, ms) to the file named by OW_BENCH_CPU_FILE.
import { appendFileSync } from 'node:fs';

const file = process.env.OW_BENCH_CPU_FILE;
if (file) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    appendFileSync(file, `${(user + system) / 1000}\n`);
  });
}
