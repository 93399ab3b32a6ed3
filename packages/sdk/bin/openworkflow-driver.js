#!/usr/bin/env node
// The reference conformance driver (src/driver), built by `pnpm build`. A committed launcher, so
// installing the package links the bin before anything is built.
try {
  await import('../dist/driver/bin.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/driver/bin.js')) {
    process.stderr.write(
      'openworkflow-driver: INTERNAL_ERROR: the SDK is not built; run `pnpm build` first\n',
    );
    process.exit(70);
  }
  throw error;
}
