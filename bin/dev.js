#!/usr/bin/env -S node --require tsx/cjs
// Runs the CLI straight from the TypeScript sources in src/ (no build step), for working on cafe-ops itself.
require('@oclif/core').execute({ development: true, dir: __dirname });
