import { existsSync, readFileSync } from 'node:fs';
import { spawnDev } from '../lib/dev/spawn-dev';

// bin/ is plain CommonJS, run before anything else is loaded.
type Env = Record<string, string | undefined>;
const { DEV_HEAP_FLAG, DEV_MALLOC_ENV, devRestart } = require('../../bin/dev-heap') as {
  DEV_HEAP_FLAG: string;
  DEV_MALLOC_ENV: Record<string, string>;
  devRestart(argv: string[], execArgv: string[], env: Env, platform?: string): { flags: string[]; env: Env } | undefined;
};

describe('the memory settings of cafe-ops dev', () => {
  it('starts `dev` again with the heap maximum and the malloc thresholds, keeping the node flags and environment it was given', () => {
    expect(DEV_HEAP_FLAG).toBe('--max-old-space-size=256');
    expect(DEV_MALLOC_ENV).toEqual({ MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072' });
    expect(devRestart(['dev', '--port', '3000'], ['--require', 'tsx/cjs'], { HOME: '/home/ana' }, 'linux')).toEqual({
      flags: [DEV_HEAP_FLAG, '--require', 'tsx/cjs'],
      env: { HOME: '/home/ana', ...DEV_MALLOC_ENV },
    });
  });

  it('sets the malloc thresholds on Linux only, and keeps the values a user set', () => {
    expect(devRestart(['dev'], [], {}, 'darwin')).toEqual({ flags: [DEV_HEAP_FLAG], env: {} });
    expect(devRestart(['dev'], [], { MALLOC_MMAP_THRESHOLD_: '65536' }, 'linux')?.env).toEqual({ MALLOC_MMAP_THRESHOLD_: '65536', MALLOC_TRIM_THRESHOLD_: '131072' });
    // A maximum of the user's own is kept while the thresholds are added.
    expect(devRestart(['dev'], ['--max-old-space-size=1024'], {}, 'linux')).toEqual({ flags: ['--max-old-space-size=1024'], env: DEV_MALLOC_ENV });
  });

  it('leaves every other command, `dev token`, and a process started with both already alone', () => {
    expect(devRestart(['deploy', '--env', 'staging'], [], {}, 'linux')).toBeUndefined();
    expect(devRestart(['dev', 'token', '--user', 'ana'], [], {}, 'linux')).toBeUndefined();
    expect(devRestart(['dev'], ['--max-old-space-size=1024'], { ...DEV_MALLOC_ENV }, 'linux')).toBeUndefined();
    expect(devRestart(['dev'], [], { NODE_OPTIONS: '--enable-source-maps --max-old-space-size=2048' }, 'darwin')).toBeUndefined();
    // What the restart hands over is itself left alone: one restart, never a loop.
    const restart = devRestart(['dev'], [], {}, 'linux')!;
    expect(devRestart(['dev'], restart.flags, restart.env, 'linux')).toBeUndefined();
  });

  const linux = process.platform === 'linux' && existsSync('/proc/self/cmdline');
  (linux ? it : it.skip)('runs the café in the same process, with the maximum and the thresholds (Ctrl-C still stops it cleanly)', async () => {
    const dev = await spawnDev(['--no-watch']);
    const cmdline = readFileSync(`/proc/${dev.child.pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toContain(DEV_HEAP_FLAG);
    expect(cmdline).toContain('dev');
    const environ = readFileSync(`/proc/${dev.child.pid}/environ`, 'utf8').split('\0');
    expect(environ).toEqual(expect.arrayContaining(['MALLOC_MMAP_THRESHOLD_=131072', 'MALLOC_TRIM_THRESHOLD_=131072']));
    expect(await dev.stop()).toBe(0);
  }, 120_000);
});
