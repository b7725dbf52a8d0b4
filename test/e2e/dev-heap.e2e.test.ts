import { existsSync, readFileSync } from 'node:fs';
import { spawnDev } from '../lib/dev/spawn-dev';

// bin/ is plain CommonJS, run before anything else is loaded.
const { DEV_HEAP_FLAG, devHeapArgs } = require('../../bin/dev-heap') as {
  DEV_HEAP_FLAG: string;
  devHeapArgs(argv: string[], execArgv: string[], nodeOptions?: string): string[] | undefined;
};

describe('the heap maximum of cafe-ops dev', () => {
  it('starts `dev` again with the maximum, keeping the node flags it was given', () => {
    expect(DEV_HEAP_FLAG).toBe('--max-old-space-size=256');
    expect(devHeapArgs(['dev', '--port', '3000'], ['--require', 'tsx/cjs'])).toEqual([DEV_HEAP_FLAG, '--require', 'tsx/cjs']);
  });

  it('leaves every other command, `dev token`, and a maximum set already alone', () => {
    expect(devHeapArgs(['deploy', '--env', 'staging'], [])).toBeUndefined();
    expect(devHeapArgs(['dev', 'token', '--user', 'ana'], [])).toBeUndefined();
    expect(devHeapArgs(['dev'], ['--max-old-space-size=1024'])).toBeUndefined();
    expect(devHeapArgs(['dev'], [], '--enable-source-maps --max-old-space-size=2048')).toBeUndefined();
  });

  const linux = process.platform === 'linux' && existsSync('/proc/self/cmdline');
  (linux ? it : it.skip)('runs the café in the same process, with the maximum (Ctrl-C still stops it cleanly)', async () => {
    const dev = await spawnDev(['--no-watch']);
    const cmdline = readFileSync(`/proc/${dev.child.pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toContain(DEV_HEAP_FLAG);
    expect(cmdline).toContain('dev');
    expect(await dev.stop()).toBe(0);
  }, 120_000);
});
