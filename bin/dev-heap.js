// `cafe-ops dev` is a long-running local server. V8 sizes its old generation from the heap's maximum,
// by default a share of the machine's memory (4 GB on a 24 GB machine), so a burst of requests leaves
// 100 MB and more of garbage committed before a major GC comes. With a 256 MB maximum V8 collects
// sooner: in `npm run bench -- dev-load`, 289–336 MB resident with 1009 orders waiting (three runs)
// against 340–350 MB, for the same order rate (docs/performance.md). The live heap with 1000 orders
// waiting is 27–38 MB.
// The process replaces itself with that flag before anything is loaded (the same pid and stdio, so
// Ctrl-C and kill reach it as before). It runs as it is where process.execve is missing (Windows,
// Node before 22.15), and when the maximum is already set (a node flag, or NODE_OPTIONS).
const DEV_HEAP_FLAG = '--max-old-space-size=256';

/** The arguments to start this process again with, or undefined to run as it is. */
function devHeapArgs(argv, execArgv, nodeOptions) {
  if (argv[0] !== 'dev' || argv[1] === 'token') return undefined;
  if ([...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((arg) => /^--max-old-space-size(=|$)/.test(arg))) return undefined;
  return [DEV_HEAP_FLAG, ...execArgv];
}

/** For `cafe-ops dev`: this process again, with the heap maximum above (see devHeapArgs). */
function restartWithDevHeap(argv) {
  if (typeof process.execve !== 'function' || process.platform === 'win32') return;
  const flags = devHeapArgs(argv, process.execArgv, process.env.NODE_OPTIONS);
  if (flags) process.execve(process.execPath, [process.execPath, ...flags, process.argv[1], ...argv], process.env);
}

module.exports = { DEV_HEAP_FLAG, devHeapArgs, restartWithDevHeap };
