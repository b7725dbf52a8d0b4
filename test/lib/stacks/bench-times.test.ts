/** The deploy benchmark (test/bench/deploy.bench.ts) prices every stack of the real catalog with a creation time. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCatalog } from '../../../src/lib/stacks/catalog';
import { MINUTES } from '../../bench/deploy.bench';

it('the deploy benchmark has a typical creation time for every stack of templates/stacks.yaml', () => {
  const file = join(__dirname, '../../../templates/stacks.yaml');
  const stacks = Object.keys(parseCatalog(readFileSync(file, 'utf8'), file).stacks);
  expect(stacks.filter((s) => MINUTES[s] === undefined)).toEqual([]);
  expect(stacks).toContain('rotation');
});
