/** CLI start-up: `cafe-ops --version` and `--help` from the built CLI, and which modules load. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Benchmark } from './run';

const root = join(__dirname, '../..');
const bin = join(root, 'bin/run.js');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(args: string[], runs: number): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [bin, ...args], { cwd: root, stdio: 'ignore' });
    if (result.status !== 0) throw new Error(`cafe-ops ${args.join(' ')} exited ${result.status}`);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return median(samples);
}

/** Modules loaded by a command, from a require hook. */
function loadedModules(args: string[]): string[] {
  const hook = "const M=require('module');const o=M._load;const seen=new Set();M._load=function(r,...a){seen.add(r);return o.call(this,r,...a)};process.on('exit',()=>process.stderr.write('MODULES '+JSON.stringify([...seen])+'\\n'))";
  const result = spawnSync(process.execPath, ['-e', `${hook};process.argv.splice(1,0,'${bin}');require('${bin}')`, '--', ...args], { cwd: root, encoding: 'utf8' });
  const line = result.stderr.split('\n').find((l) => l.startsWith('MODULES '));
  return line ? (JSON.parse(line.slice(8)) as string[]) : [];
}

const bench: Benchmark = {
  title: 'CLI start-up',
  async run() {
    if (!existsSync(join(root, 'dist/commands'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
    const runs = 15;
    const node = median(Array.from({ length: runs }, () => {
      const started = process.hrtime.bigint();
      spawnSync(process.execPath, ['-e', '0']);
      return Number(process.hrtime.bigint() - started) / 1e6;
    }));
    const version = time(['--version'], runs);
    const help = time(['--help'], runs);
    const deployHelp = time(['deploy', '--help'], runs);
    const modules = loadedModules(['--help']);
    if (!modules.includes('@oclif/core')) throw new Error('the module hook saw nothing: the measurement is broken');
    const sdk = modules.filter((m) => m.startsWith('@aws-sdk/'));
    return [
      `Median of ${runs} runs of the built CLI (\`node bin/run.js\`), next to a bare \`node -e 0\` in the same run.`,
      '',
      '| command | median |',
      '|---|---|',
      `| \`node -e 0\` (Node.js alone) | ${node.toFixed(0)} ms |`,
      `| \`cafe-ops --version\` | ${version.toFixed(0)} ms |`,
      `| \`cafe-ops --help\` | ${help.toFixed(0)} ms |`,
      `| \`cafe-ops deploy --help\` | ${deployHelp.toFixed(0)} ms |`,
      '',
      `Modules loaded by \`cafe-ops --help\`: ${modules.length}, of which AWS SDK: ${sdk.length === 0 ? 'none' : sdk.join(', ')}. Goal: ≤ 300 ms for --help, no SDK module at start-up.`,
    ].join('\n');
  },
};
export default bench;
