/**
 * PGlite loads its WebAssembly with dynamic import(), which jest's module sandbox only allows under
 * NODE_OPTIONS=--experimental-vm-modules. Without it these suites skip with one line, and
 * test/functions/pglite.test.ts still checks PGlite in a plain Node process.
 */
export const vmModulesEnabled = () => [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) => arg.includes('--experimental-vm-modules'));

export function describeWithVmModules(what: string): jest.Describe {
  if (vmModulesEnabled()) return describe;
  process.stderr.write(`skipped: ${what} — run jest with NODE_OPTIONS=--experimental-vm-modules\n`);
  return describe.skip;
}
