// `tsc` only emits what it compiles; the generated validators are plain JS, so the build copies them.
import { cp } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await cp(join(root, 'src', 'generated'), join(root, 'dist', 'generated'), { recursive: true });
