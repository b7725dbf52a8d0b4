/**
 * The committed diagrams as a reader sees them: rendered by Chromium with the fonts it has, every
 * line of text lies inside its box or label plate (measured with getBBox, not estimated), and every
 * arrowhead is drawn. Screenshots go to test-artifacts/diagrams/.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { TOOLS, describeWithTool } from '../support/tools';

const ROOT = join(__dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'diagrams');

describeWithTool(TOOLS.chromium, 'diagrams rendered in Chromium')('the README diagrams in Chromium', () => {
  let browser: BrowserContext;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'cafe-chromium-')), {
      executablePath: TOOLS.chromium.command,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      headless: true,
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it.each(['architecture.svg', 'stack-graph.svg'])('docs/%s: all text inside its box, every edge with an arrowhead', async (file) => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(join(ROOT, 'docs', file)).href);
    const report = await page.evaluate(() => {
      const inside = (inner: DOMRect, outer: DOMRect) => inner.x >= outer.x - 0.5 && inner.y >= outer.y - 0.5 && inner.x + inner.width <= outer.x + outer.width + 0.5 && inner.y + inner.height <= outer.y + outer.height + 0.5;
      const overflowing: string[] = [];
      let texts = 0;
      for (const g of document.querySelectorAll('g.box, g.group-title')) {
        const rect = (g.querySelector('rect') as SVGGraphicsElement).getBBox();
        for (const text of g.querySelectorAll('text')) {
          texts++;
          if (!inside(text.getBBox(), rect)) overflowing.push(`${g.getAttribute('data-id')}: ${text.textContent}`);
        }
      }
      for (const g of document.querySelectorAll('g.edge')) {
        const plate = g.querySelector('rect.label') as SVGGraphicsElement | null;
        if (!plate) continue;
        for (const text of g.querySelectorAll('text')) {
          texts++;
          if (!inside(text.getBBox(), plate.getBBox())) overflowing.push(`label ${g.getAttribute('data-from')} → ${g.getAttribute('data-to')}: ${text.textContent}`);
        }
      }
      const edges = document.querySelectorAll('g.edge').length;
      const arrows = [...document.querySelectorAll('g.edge path')].filter((p) => p.getAttribute('marker-end') === 'url(#arrow)' && (p as SVGPathElement).getTotalLength() > 8).length;
      const svg = document.querySelector('svg')!;
      return { overflowing, texts, edges, arrows, width: svg.width.baseVal.value, height: svg.height.baseVal.value };
    });
    expect(report.overflowing).toEqual([]);
    expect(report.texts).toBeGreaterThan(50);
    expect(report.edges).toBeGreaterThan(10);
    expect(report.arrows).toBe(report.edges);
    await page.setViewportSize({ width: Math.ceil(report.width), height: Math.ceil(report.height) });
    await page.screenshot({ path: join(ARTIFACTS, file.replace(/\.svg$/, '.png')) });
    await page.close();
  }, 60_000);
});
