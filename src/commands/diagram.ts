import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/cli/base-command';
import { catalogFlag, environmentFlags } from '../lib/cli/flags';
import { DEFAULT_DIAGRAM_FILE, DEFAULT_REFERENCE_FILE, DEFAULT_STACK_GRAPH_FILE, runDiagram, type DiagramResult } from '../lib/diagram/service';

export default class Diagram extends BaseCommand<typeof Diagram> {
  static override summary = 'Draw the architecture diagrams (SVG) and the stack reference (Markdown) from the catalog and the templates.';
  static override description =
    'Two diagrams: how a request reaches the café (Route 53, CloudFront and WAF, the regional APIs, Lambda, Aurora, DynamoDB, Step Functions, Cognito, ' +
    'observability, in both regions), read from the resources of the templates and the references between them; and the stack graph, each arrow labelled ' +
    'with the outputs it carries. Works offline; --check fails when a file is out of date, for CI.';
  static override examples = [
    '<%= config.bin %> diagram',
    '<%= config.bin %> diagram --env production --out production.svg --stack-graph production-stacks.svg',
    '<%= config.bin %> diagram --check',
  ];

  static override baseFlags = { ...BaseCommand.baseFlags, ...environmentFlags };
  static override flags = {
    out: Flags.string({ char: 'o', summary: 'Where to write the request-path SVG.', default: DEFAULT_DIAGRAM_FILE }),
    'stack-graph': Flags.string({ summary: 'Where to write the stack-graph SVG.', default: DEFAULT_STACK_GRAPH_FILE }),
    reference: Flags.string({ summary: 'Where to write the stack reference (Markdown).', default: DEFAULT_REFERENCE_FILE }),
    check: Flags.boolean({ summary: 'Do not write: exit 1 when a file differs from what the templates give.', default: false }),
    ...catalogFlag,
  };

  async run(): Promise<DiagramResult> {
    const env = this.flags.env ? await this.environment() : undefined;
    const result = await runDiagram({
      catalogFile: this.flags.catalog,
      out: this.flags.out,
      stackGraph: this.flags['stack-graph'],
      reference: this.flags.reference,
      configFile: this.flags.config,
      check: this.flags.check,
      ...(env ? { env } : {}),
    });
    for (const f of result.files) {
      this.out.info(this.flags.check ? `${f.file} is up to date` : f.changed ? `wrote ${f.file}` : `${f.file} unchanged`);
    }
    this.out.info(`request path: ${result.requestPath.services} services, ${result.requestPath.links} links; stack graph: ${result.stackInstances} stack instances, ${result.edges} output links`);
    return result;
  }
}
