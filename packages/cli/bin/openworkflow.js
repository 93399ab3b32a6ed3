#!/usr/bin/env node
// The bundled CLI, built by `pnpm build` (scripts/bundle.js).
try {
  await import('../dist/bundle/openworkflow.js');
} catch (error) {
  if (
    error?.code === 'ERR_MODULE_NOT_FOUND' &&
    String(error.message).includes('dist/bundle/openworkflow.js')
  ) {
    process.stderr.write('openworkflow: INTERNAL_ERROR: the CLI is not built; run `pnpm build` first\n');
    process.exit(70);
  }
  throw error;
}
