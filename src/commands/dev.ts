import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/cli/base-command';
import { runDev, type DevResult } from '../lib/dev/service';
import { DEFAULT_DATA_DIR, DEFAULT_PORT, projectRoot } from '../lib/dev/platform';

export default class Dev extends BaseCommand<typeof Dev> {
  static override summary = 'Run the whole café locally: API, functions, state machine, databases and storefront.';
  static override description =
    'Serves the REST API of templates/app.yaml with the real handlers from functions/, runs the order-lifecycle state machine, ' +
    'embedded PostgreSQL (or DATABASE_URL) and DynamoDB, a local sign-in and a payment sandbox, and the storefront at /. ' +
    'Code changes reload without a restart; Ctrl-C stops and keeps the data in the data folder. Needs no AWS account.';
  static override examples = [
    '<%= config.bin %> dev',
    '<%= config.bin %> dev --port 8080 --fresh',
    'DATABASE_URL=postgres://localhost/cafe <%= config.bin %> dev',
    '<%= config.bin %> dev --payments decline',
  ];

  static override flags = {
    port: Flags.integer({ char: 'p', summary: 'Port of the API and the storefront.', default: DEFAULT_PORT, min: 0, max: 65535 }),
    host: Flags.string({ summary: 'Address to listen on.', default: '127.0.0.1' }),
    'data-dir': Flags.string({ summary: 'Folder that keeps the local data between runs.', default: DEFAULT_DATA_DIR }),
    fresh: Flags.boolean({ summary: 'Start from empty data (deletes the data folder first).', default: false }),
    'database-url': Flags.string({ summary: 'PostgreSQL server to use instead of the embedded database.', env: 'DATABASE_URL' }),
    'dynamodb-endpoint': Flags.string({ summary: 'DynamoDB endpoint to use instead of the embedded one (e.g. http://127.0.0.1:8000).' }),
    payments: Flags.string({ summary: 'How the payment sandbox answers.', options: ['approve', 'decline', 'down'], default: 'approve' }),
    watch: Flags.boolean({ summary: 'Rebuild and reload the functions and the storefront on change.', default: true, allowNo: true }),
  };

  /** The URLs are printed as soon as the café is up; the same document is not printed again on exit. */
  private printed?: DevResult;

  override logJson(json: unknown): void {
    if (this.printed && json === this.printed) return;
    super.logJson(json);
  }

  async run(): Promise<DevResult> {
    return runDev(
      {
        root: projectRoot(process.cwd()),
        port: this.flags.port,
        host: this.flags.host,
        dataDir: this.flags['data-dir'],
        fresh: this.flags.fresh,
        watch: this.flags.watch,
        payments: this.flags.payments as 'approve' | 'decline' | 'down',
        ...(this.flags['database-url'] ? { databaseUrl: this.flags['database-url'] } : {}),
        ...(this.flags['dynamodb-endpoint'] ? { dynamodbEndpoint: this.flags['dynamodb-endpoint'] } : {}),
      },
      this.out,
      (result) => {
        if (!this.jsonEnabled()) return;
        this.logJson(result);
        this.printed = result;
      },
    );
  }
}
