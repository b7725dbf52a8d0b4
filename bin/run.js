#!/usr/bin/env node
// The `cafe-ops` executable: runs the compiled commands in dist/ (built by `npm ci` / `npm run build`).
const { flush, run } = require('@oclif/core');

run(process.argv.slice(2), __dirname)
  .then(() => flush())
  .catch((error) => require('../dist/lib/cli/handle').handle(error));
