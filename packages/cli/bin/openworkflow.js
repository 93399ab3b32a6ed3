#!/usr/bin/env node
// The bundled CLI (built by `pnpm build`); see scripts/bundle.js.
import '../dist/bundle/openworkflow.js';
