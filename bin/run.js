#!/usr/bin/env node
// The `cafe-ops` executable: runs the compiled commands in dist/ (built by `npm ci` / `npm run build`).
require('@oclif/core').execute({ dir: __dirname });
