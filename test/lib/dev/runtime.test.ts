import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalFunction } from '../../../src/lib/dev/app-model';
import { buildBundles } from '../../../src/lib/dev/bundles';
import { createRuntime, freshRequire, type HandlerSet } from '../../../src/lib/dev/runtime';

const fn = (name: string, timeoutSeconds = 3): LocalFunction => ({ logicalId: name, name, artifact: `${name}-fn`, entry: `/x/${name}.ts`, environment: {}, timeoutSeconds });

describe('the function runtime', () => {
  it('builds the handlers once per code generation and reloads them when it changes', async () => {
    let generation = 1;
    const loads: number[] = [];
    const runtime = createRuntime({
      functions: [fn('menu')],
      generation: () => generation,
      load: async (g) => {
        loads.push(g);
        return { menu: async () => ({ statusCode: 200, body: `gen ${g}` }) } satisfies HandlerSet;
      },
      region: 'eu-west-1',
      account: '000000000000',
    });
    expect(await runtime.invoke('menu', {})).toEqual({ statusCode: 200, body: 'gen 1' });
    expect(await runtime.invoke('menu', {})).toEqual({ statusCode: 200, body: 'gen 1' });
    generation = 2;
    expect(await runtime.invoke('menu', {})).toEqual({ statusCode: 200, body: 'gen 2' });
    expect(loads).toEqual([1, 2]);
    await expect(runtime.invoke('nope', {})).rejects.toThrow('no function "nope" in the app template (known: menu)');
  });

  it('gives handlers a Lambda context and enforces the function timeout', async () => {
    const seen: unknown[] = [];
    const runtime = createRuntime({
      functions: [fn('slow', 0.05), fn('ctx')],
      generation: () => 1,
      load: async () => ({
        slow: () => new Promise((r) => setTimeout(r, 1000)),
        ctx: async (_event, context) => {
          seen.push(context.functionName, context.invokedFunctionArn, context.getRemainingTimeInMillis() > 2000);
          return 'ok';
        },
      }),
      region: 'eu-west-1',
      account: '000000000000',
    });
    await expect(runtime.invoke('slow', {})).rejects.toMatchObject({ name: 'Sandbox.Timedout' });
    expect(await runtime.invoke('ctx', {})).toBe('ok');
    expect(seen).toEqual(['ctx', 'arn:aws:lambda:eu-west-1:000000000000:function:ctx', true]);
  });

  it('retries loading after a failed load instead of keeping the failure', async () => {
    let attempts = 0;
    const runtime = createRuntime({
      functions: [fn('menu')],
      generation: () => 1,
      load: async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('no database yet');
        return { menu: async () => 'ok' };
      },
      region: 'r',
      account: 'a',
    });
    await expect(runtime.invoke('menu', {})).rejects.toThrow('no database yet');
    expect(await runtime.invoke('menu', {})).toBe('ok');
  });
});

describe('function bundles', () => {
  it('rebuild on change, bump the generation, and the new code loads without a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cafe-bundle-'));
    const entry = join(dir, 'entry.ts');
    writeFileSync(join(dir, 'greeting.ts'), "export const greeting = (): string => 'hello';\n");
    writeFileSync(entry, "import { greeting } from './greeting';\nimport { z } from 'zod';\nexport const answer = () => `${greeting()} ${z.string().parse('x')}`;\n");
    const rebuilds: boolean[] = [];
    const bundles = await buildBundles({ entries: { cafe: entry }, outdir: join(dir, 'out'), nodeModules: join(__dirname, '../../../node_modules'), watch: true, onRebuild: (r) => rebuilds.push(r.ok) });
    try {
      expect(bundles.generation()).toBe(1);
      const first = freshRequire(bundles.file('cafe')) as { answer: () => string };
      expect(first.answer()).toBe('hello x');

      writeFileSync(join(dir, 'greeting.ts'), "export const greeting = (): string => 'bonjour';\n");
      for (let i = 0; i < 100 && bundles.generation() < 2; i++) await new Promise((r) => setTimeout(r, 50));
      expect(bundles.generation()).toBe(2);
      expect((freshRequire(bundles.file('cafe')) as { answer: () => string }).answer()).toBe('bonjour x');

      writeFileSync(join(dir, 'greeting.ts'), 'export const greeting = (: string => ;\n');
      for (let i = 0; i < 100 && !bundles.lastError(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(bundles.lastError()).toContain('greeting.ts');
      expect(bundles.generation()).toBe(2);
      expect(rebuilds).toEqual([true, false]);
    } finally {
      await bundles.dispose();
    }
  }, 30_000);

  it('refuses to start when the code does not build', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cafe-bundle-'));
    writeFileSync(join(dir, 'entry.ts'), "import './missing';\n");
    await expect(buildBundles({ entries: { cafe: join(dir, 'entry.ts') }, outdir: join(dir, 'out'), nodeModules: dir, watch: false })).rejects.toThrow(/the functions do not build:\n.*Could not resolve "\.\/missing"/);
  });
});
