/**
 * CLI start-up: `cafe-ops --version` and `--help` from the built CLI, and which modules load; `--help`
 * against `cdk --version` (the AWS CDK CLI, a devDependency), run in pairs in the same run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Benchmark } from './run';
import { median } from './stats';

const root = join(__dirname, '../..');
const bin = join(root, 'bin/run.js');
const cdk = join(root, 'node_modules/aws-cdk/bin/cdk');
// No telemetry, version check or notices: nothing leaves the machine (cdk --version makes no call anyway).
const cdkEnv = { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', CDK_DISABLE_VERSION_CHECK: '1' };


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

function once(script: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [script, ...args], { cwd: root, stdio: 'ignore', env });
  if (result.status !== 0) throw new Error(`${script} ${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * `cafe-ops --help` and `cdk --version` one after the other, `runs` times, the order swapped every
 * round so neither always runs on a warmer machine; the ratio of each pair, and its median.
 */
function paired(runs: number) {
  const help: number[] = [];
  const version: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < runs; i++) {
    let h: number;
    let c: number;
    if (i % 2 === 0) {
      h = once(bin, ['--help']);
      c = once(cdk, ['--version', '--no-notices'], cdkEnv);
    } else {
      c = once(cdk, ['--version', '--no-notices'], cdkEnv);
      h = once(bin, ['--help']);
    }
    help.push(h);
    version.push(c);
    ratios.push(h / c);
  }
  return { help: median(help), cdk: median(version), ratio: median(ratios), worst: Math.max(...ratios) };
}

/** Modules loaded by a command, from a require hook. */
function loadedModules(args: string[]): string[] {
  const hook = "const M=require('module');const o=M._load;const seen=new Set();M._load=function(r,...a){seen.add(r);return o.call(this,r,...a)};process.on('exit',()=>process.stderr.write('MODULES '+JSON.stringify([...seen])+'\\n'))";
  const result = spawnSync(process.execPath, ['-e', `${hook};process.argv.splice(1,0,'${bin}');require('${bin}')`, '--', ...args], { cwd: root, encoding: 'utf8' });
  const line = result.stderr.split('\n').find((l) => l.startsWith('MODULES '));
  return line ? (JSON.parse(line.slice(8)) as string[]) : [];
}

function cdkVersion(): string {
  return (JSON.parse(readFileSync(join(root, 'node_modules/aws-cdk/package.json'), 'utf8')) as { version: string }).version;
}

const bench: Benchmark = {
  title: 'CLI start-up',
  async run() {
    if (!existsSync(join(root, 'dist/commands')) || !existsSync(join(root, 'oclif.manifest.json'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
    const runs = 15;
    const node = median(Array.from({ length: runs }, () => {
      const started = process.hrtime.bigint();
      spawnSync(process.execPath, ['-e', '0']);
      return Number(process.hrtime.bigint() - started) / 1e6;
    }));
    const version = time(['--version'], runs);
    const help = time(['--help'], runs);
    const deployHelp = time(['deploy', '--help'], runs);
    const pairs = existsSync(cdk) ? paired(runs) : undefined;
    const modules = loadedModules(['--help']);
    if (!modules.includes('@oclif/core')) throw new Error('the module hook saw nothing: the measurement is broken');
    const sdk = modules.filter((m) => m.startsWith('@aws-sdk/'));
    return [
      `Median of ${runs} runs of the built CLI (\`node bin/run.js\`), next to a bare \`node -e 0\` in the same run.`,
      `Load average at the end: ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores (a shared machine: absolute times scale with it, ratios much less).`,
      '',
      '| command | median |',
      '|---|---|',
      `| \`node -e 0\` (Node.js alone) | ${node.toFixed(0)} ms |`,
      `| \`cafe-ops --version\` | ${version.toFixed(0)} ms |`,
      `| \`cafe-ops --help\` | ${help.toFixed(0)} ms |`,
      `| \`cafe-ops deploy --help\` | ${deployHelp.toFixed(0)} ms |`,
      '',
      `Modules loaded by \`cafe-ops --help\`: ${modules.length}, of which AWS SDK: ${sdk.length === 0 ? 'none' : sdk.join(', ')}. Goal: ≤ 300 ms for --help, no SDK module at start-up.`,
      '',
      ...(pairs
        ? [
            `Against the AWS CDK CLI: ${runs} pairs of \`cafe-ops --help\` and \`cdk --version\` (aws-cdk ${cdkVersion()}), alternating which runs first.`,
            '',
            '| | median |',
            '|---|---|',
            `| \`cafe-ops --help\` | ${pairs.help.toFixed(0)} ms |`,
            `| \`cdk --version\` | ${pairs.cdk.toFixed(0)} ms |`,
            `| ratio of each pair | ${pairs.ratio.toFixed(2)} (worst pair ${pairs.worst.toFixed(2)}) |`,
            '',
            `\`cafe-ops --help\` takes ${pairs.ratio.toFixed(2)}× the time of \`cdk --version\`. Goal: ≤ 0.30×.`,
          ]
        : ['`cdk --version` not measured: aws-cdk is not installed (`npm ci` installs it).']),
    ].join('\n');
  },
};
export default bench;
