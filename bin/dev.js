#!/usr/bin/env -S node --require tsx/cjs
// Runs the CLI straight from the TypeScript sources in src/ (no build step), for working on cafe-ops itself.
// Same output as the built CLI (set DEBUG=* for oclif's stack traces).
// `cafe-ops dev` starts again with memory settings sized for a long-running local server (bin/dev-heap.js).
require('./dev-heap').restartWithDevHeap(process.argv.slice(2));
process.env.NODE_ENV = 'development';
const { join } = require('node:path');
const { Config, Plugin, flush, run } = require('@oclif/core');

const argv = process.argv.slice(2);
// Under --json nothing prompts: plugin-not-found's "Did you mean ...?" asks only when stdin is a terminal.
if (argv.includes('--json') && process.stdin.isTTY) process.stdin.isTTY = false;

/**
 * The CLI's config with the commands read from src/, never from the oclif.manifest.json that
 * `npm run build` writes for the built CLI (it points at dist/ and may be older than the sources).
 */
async function sourceConfig() {
  const root = new Plugin({ root: join(__dirname, '..'), isRoot: true, ignoreManifest: true });
  await root.load();
  const config = await Config.load({ root: root.root, plugins: new Map([[root.name, root]]) });
  await config.loadPluginsAndCommands({ force: true }); // the plugins of package.json (help, not-found...)
  return config;
}

sourceConfig()
  .then((config) => run(argv, config))
  .then(() => flush())
  .catch((error) => require('../src/lib/cli/handle').handle(error, argv));
