/**
 * Bundles the CLI into dist/bundle/ (spec/cli.md#startup), in two builds:
 *
 * 1. The entry, the command table and the light commands (validate, list, describe, graph, init),
 *    with the loader, the planner and their pure-JavaScript dependencies inlined, split per command
 *    so each command loads only its own chunk.
 * 2. `run` on its own (dist/bundle/run.js), with every package import left external: it loads the
 *    SDK, and through it the one installed copy of the loader and the engine the SDK uses, instead
 *    of a second, bundled copy.
 *
 * The first build never contains LangChain, model SDKs, MCP, database drivers or telemetry
 * libraries; the second contains only this package's own modules.
 */
import { readFile, rm } from 'node:fs/promises';
import { build } from 'esbuild';

/** Packages inlined into the bundle; any other bare import stays external. */
const BUNDLED = new Set([
  '@openworkflow/schemas',
  '@openworkflow/expressions',
  '@openworkflow/core',
  'yaml',
  'semver',
  'ajv',
  'ajv-formats',
  'fast-deep-equal',
  'fast-uri',
  'json-schema-traverse',
  'require-from-string',
]);

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const externals = {
  name: 'externals',
  setup(context) {
    // `run` is the second build's output, imported at run time from beside the chunks.
    context.onResolve({ filter: /^\.\/commands\/run\.js$/ }, () => ({ path: './run.js', external: true }));
    context.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { external: true };
      return BUNDLED.has(packageName(args.path)) ? undefined : { path: args.path, external: true };
    });
    // The generated validators load ajv's runtime helpers through createRequire, which a bundler
    // cannot see; with the local `require` removed, esbuild inlines those modules too.
    context.onLoad({ filter: /schemas[\\/]dist[\\/]generated[\\/]validators\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      return {
        contents: text
          .replace("import { createRequire } from 'node:module';", '')
          .replace('const require = createRequire(import.meta.url);', ''),
        loader: 'js',
      };
    });
  },
};

await rm('dist/bundle', { recursive: true, force: true });

const shared = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  logLevel: 'warning',
};

await build({
  ...shared,
  entryPoints: { openworkflow: 'dist/bin.js' },
  outdir: 'dist/bundle',
  splitting: true,
  // Chunks sit beside the entry so the external './run.js' resolves the same from every file.
  chunkNames: '[name]-[hash]',
  banner: {
    // CommonJS dependencies (ajv) call require() for Node built-ins.
    js: "import { createRequire as __owCreateRequire } from 'node:module'; const require = __owCreateRequire(import.meta.url);",
  },
  plugins: [externals],
});

await build({
  ...shared,
  entryPoints: { run: 'dist/commands/run.js' },
  outdir: 'dist/bundle',
  packages: 'external',
});
