import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/cli/base-command';
import { DEFAULT_CATALOG_FILE } from '../lib/stacks/catalog';
import { DEFAULT_DIAGRAM_FILE, DEFAULT_REFERENCE_FILE, runDiagram, type DiagramResult } from '../lib/diagram/service';

export default class Diagram extends BaseCommand<typeof Diagram> {
  static override summary = 'Draw the architecture diagram (SVG) and the stack reference (Markdown) from the catalog and the templates.';
  static override description =
    'One column per region role, one row per deployment wave, the resources of every stack instance and the outputs passed between them. ' +
    'Works offline; --check fails when the file is out of date, for CI.';
  static override examples = [
    '<%= config.bin %> diagram',
    '<%= config.bin %> diagram --env production --out production.svg',
    '<%= config.bin %> diagram --check',
  ];

  static override flags = {
    out: Flags.string({ char: 'o', summary: 'Where to write the SVG.', default: DEFAULT_DIAGRAM_FILE }),
    reference: Flags.string({ summary: 'Where to write the stack reference (Markdown).', default: DEFAULT_REFERENCE_FILE }),
    check: Flags.boolean({ summary: 'Do not write: exit 1 when the file differs from what the templates give.', default: false }),
    catalog: Flags.string({ summary: 'Path of the stack catalog.', default: DEFAULT_CATALOG_FILE }),
  };

  async run(): Promise<DiagramResult> {
    const env = this.flags.env ? await this.environment() : undefined;
    const result = await runDiagram({ catalogFile: this.flags.catalog, out: this.flags.out, reference: this.flags.reference, configFile: this.flags.config, check: this.flags.check, ...(env ? { env } : {}) });
    const what = `${result.stackInstances} stack instances, ${result.edges} output links`;
    for (const f of result.files) {
      this.out.info(this.flags.check ? `${f.file} is up to date` : f.changed ? `wrote ${f.file}` : `${f.file} unchanged`);
    }
    this.out.info(what);
    return result;
  }
}
