// Prints the oclif manifest of the commands in src/ (what `oclif manifest` writes from dist/), as JSON.
// Run with `node --require tsx/cjs test/support/source-manifest.js` from the project root.
process.env.NODE_ENV = 'development';
const { join } = require('node:path');
const { Plugin } = require('@oclif/core');

(async () => {
  const plugin = new Plugin({ root: join(__dirname, '../..'), isRoot: true, ignoreManifest: true });
  await plugin.load();
  process.stdout.write(JSON.stringify(plugin.manifest));
})().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
});
