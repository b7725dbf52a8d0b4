#!/usr/bin/env node
// The `cafe-ops` executable: runs the compiled commands in dist/ (built by `npm ci` / `npm run build`).
// `cafe-ops dev` starts again with memory settings sized for a long-running local server (bin/dev-heap.js).
require('./dev-heap').restartWithDevHeap(process.argv.slice(2));
const { flush, run } = require('@oclif/core');

const argv = process.argv.slice(2);
// Under --json nothing prompts: plugin-not-found's "Did you mean ...?" asks only when stdin is a terminal.
if (argv.includes('--json') && process.stdin.isTTY) process.stdin.isTTY = false;

run(argv, __dirname)
  .then(() => flush())
  .catch((error) => require('../dist/lib/cli/handle').handle(error, argv));
