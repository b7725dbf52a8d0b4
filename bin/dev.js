#!/usr/bin/env -S node --require tsx/cjs
// Runs the CLI straight from the TypeScript sources in src/ (no build step), for working on cafe-ops itself.
// Same output as the built CLI (set DEBUG=* for oclif's stack traces).
process.env.NODE_ENV = 'development';
const { flush, run } = require('@oclif/core');

run(process.argv.slice(2), __dirname)
  .then(() => flush())
  .catch((error) => require('../src/lib/cli/handle').handle(error));
