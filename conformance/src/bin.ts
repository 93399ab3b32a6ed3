#!/usr/bin/env node
/** Entry point of the `openworkflow-conformance` executable. */
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2));
