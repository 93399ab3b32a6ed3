/**
 * Bundles the CLI's startup path into dist/bundle/ (spec/cli.md#startup). The command table and the
 * light commands (validate, list, describe, graph, init) are bundled with the loader, the planner
 * and their pure-JavaScript dependencies, split per command so each loads only its own chunk.
 * Everything else, the SDK and whatever the runtime pulls in, stays an ordinary import resolved
 * from node_modules when `run` needs it: the bundle never contains LangChain, model SDKs, MCP,
 * database drivers or telemetry libraries.
 */
import { readFile } from 'node:fs/promises';
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

await build({
  entryPoints: { openworkflow: 'dist/bin.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  banner: {
    // CommonJS dependencies (ajv) call require() for Node built-ins.
    js: "import { createRequire as __owCreateRequire } from 'node:module'; const require = __owCreateRequire(import.meta.url);",
  },
  plugins: [externals],
  logLevel: 'warning',
});
