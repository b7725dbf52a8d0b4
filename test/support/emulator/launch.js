#!/usr/bin/env node
// `npm run emulator -- --port N`: the cafe-ops CloudFormation emulator (moto_server + cafe_moto.py) on 127.0.0.1.
// Finds a Python that has moto (PATH, then ~/.pyenv/shims; or CAFE_EMULATOR_PYTHON) and runs cafe_moto.py in it.
// See docs/emulator.md.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { homedir } = require('node:os');
const { delimiter, join } = require('node:path');

const script = join(__dirname, 'cafe_moto.py');

function pythonWithMoto() {
  const explicit = process.env.CAFE_EMULATOR_PYTHON;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), join(homedir(), '.pyenv', 'shims')].filter(Boolean);
  const candidates = explicit ? [explicit] : dirs.flatMap((dir) => ['python3', 'python'].map((name) => join(dir, name)));
  for (const candidate of candidates) {
    if (!existsSync(candidate)) continue;
    // find_spec does not import moto: a few milliseconds instead of half a second
    const probe = spawnSync(candidate, ['-c', "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('moto') else 1)"], { timeout: 30_000 });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

function main() {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write('usage: npm run emulator -- [--port N] [--host 127.0.0.1]\n');
    return;
  }
  const python = pythonWithMoto();
  if (!python) {
    process.stderr.write('cafe-ops emulator: no Python with moto found (PATH, ~/.pyenv/shims); install: pip install "moto[server]"\n');
    process.exit(1);
  }
  const child = spawn(python, [script, ...args], {
    stdio: 'inherit',
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: 'true', PYTHONUNBUFFERED: '1', CAFE_EMULATOR_PARENT_PID: String(process.pid) },
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main();
