// `cafe-ops dev` is a long-running local server, started again here, before anything is loaded, with
// two memory settings (docs/performance.md, the last two parts of "Local café under load: before and after"):
// - a 256 MB heap maximum. V8 sizes its old generation from the maximum, by default a share of the
//   machine's memory (4 GB on a 24 GB machine), so a burst of requests leaves 100 MB and more of
//   garbage committed before a major GC comes. The live heap with 1000 orders waiting is 27–38 MB.
// - on Linux, glibc's malloc thresholds fixed at their starting values (128 KiB). By default glibc
//   raises its mmap threshold each time a large block is freed, so later large blocks are carved out of
//   the threads' arenas, which are returned to the system only from their top: the idle process then
//   varied by 40 MB from run to run. Setting a threshold turns that adjustment off
//   (https://www.gnu.org/software/libc/manual/html_node/Malloc-Tunable-Parameters.html). What the
//   café starts (esbuild, for one) inherits the two values, glibc's own starting ones.
// The process replaces itself (the same pid and stdio, so Ctrl-C and kill reach it as before). It runs
// as it is where process.execve is missing (Windows, Node before 22.15), and once both are set (a
// maximum of the user's own, in a node flag or NODE_OPTIONS, is kept; so are their malloc settings).
const DEV_HEAP_FLAG = '--max-old-space-size=256';
const DEV_MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072' };

/** How to start this process again (node flags first, then its environment), or undefined to run as it is. */
function devRestart(argv, execArgv, env, platform = process.platform) {
  if (argv[0] !== 'dev' || argv[1] === 'token') return undefined;
  const heapSet = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)].some((arg) => /^--max-old-space-size(=|$)/.test(arg));
  const malloc = platform === 'linux' ? Object.entries(DEV_MALLOC_ENV).filter(([name]) => env[name] === undefined) : [];
  if (heapSet && malloc.length === 0) return undefined;
  return { flags: heapSet ? execArgv : [DEV_HEAP_FLAG, ...execArgv], env: { ...env, ...Object.fromEntries(malloc) } };
}

/** For `cafe-ops dev`: this process again, with the settings above (see devRestart). */
function restartWithDevHeap(argv) {
  if (typeof process.execve !== 'function' || process.platform === 'win32') return;
  const restart = devRestart(argv, process.execArgv, process.env);
  if (restart) process.execve(process.execPath, [process.execPath, ...restart.flags, process.argv[1], ...argv], restart.env);
}

module.exports = { DEV_HEAP_FLAG, DEV_MALLOC_ENV, devRestart, restartWithDevHeap };
