import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSite } from '../../../src/lib/site/build';

const SITE = resolve(__dirname, '../../../site');

describe('the storefront build', () => {
  it('bundles each page and the stylesheet, copies the HTML and the icons, and stays well under 100 KB of JavaScript', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cafe-site-'));
    const site = await buildSite({ root: SITE, outdir });
    try {
      expect(site.files().map((f) => f.path)).toEqual(['barista.html', 'barista.js', 'favicon.ico', 'favicon.svg', 'index.html', 'index.js', 'styles.css']);
      expect(site.javascriptBytes()).toBeGreaterThan(1000);
      expect(site.javascriptBytes()).toBeLessThan(50 * 1024);
      // Every script and stylesheet a page references was built.
      for (const page of ['index.html', 'barista.html']) {
        const html = readFileSync(join(outdir, page), 'utf8');
        const refs = [...html.matchAll(/(?:src|href)="([^"#]+)"/g)].map((m) => m[1]!);
        expect(refs.length).toBeGreaterThanOrEqual(2);
        for (const ref of refs) expect(site.files().map((f) => f.path)).toContain(ref);
        expect(html).toMatch(/<html lang="en">/);
      }
      // The icon browsers ask for at the root, whatever the pages link, is a real ICO (reserved 0, type 1).
      expect([...readFileSync(join(outdir, 'favicon.ico')).subarray(0, 4)]).toEqual([0, 0, 1, 0]);
      // No framework, no source maps, minified.
      const js = readFileSync(join(outdir, 'index.js'), 'utf8');
      expect(js).not.toMatch(/sourceMappingURL|react|vue/i);
      expect(js.split('\n').length).toBeLessThan(10);
    } finally {
      await site.dispose();
    }
  });

  it('labels every form control of the pages', () => {
    for (const page of ['index.html', 'barista.html']) {
      const html = readFileSync(join(SITE, page), 'utf8');
      const ids = [...html.matchAll(/<(?:input|select|textarea)[^>]*id="([^"]+)"/g)].map((m) => m[1]!);
      for (const id of ids) expect(html).toContain(`<label for="${id}"`);
    }
  });

  it('reports a build error with the file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cafe-bad-site-'));
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(join(root, 'src', 'pages'), { recursive: true });
    writeFileSync(join(root, 'src', 'pages', 'index.ts'), 'const = ;');
    writeFileSync(join(root, 'src', 'styles.css'), 'body {}');
    await expect(buildSite({ root, outdir: join(root, 'dist') })).rejects.toThrow('the site does not build');
  });
});
