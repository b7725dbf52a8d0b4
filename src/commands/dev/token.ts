import { Flags } from '@oclif/core';
import { BaseCommand } from '../../lib/cli/base-command';
import { issueDevToken, type DevTokenResult } from '../../lib/dev/service';
import { DEFAULT_DATA_DIR, projectRoot } from '../../lib/dev/platform';

export default class DevToken extends BaseCommand<typeof DevToken> {
  static override summary = 'Print an ID token from the local sign-in, for calling the local API.';
  static override description =
    'The token carries the claims the API authorizer passes on (sub, email, cognito:groups) and is accepted by `cafe-ops dev` ' +
    'running with the same data folder. Send it as the Authorization header.';
  static override examples = [
    '<%= config.bin %> dev token --user alice',
    '<%= config.bin %> dev token --user bob --admin',
    'curl -H "Authorization: $(<%= config.bin %> dev token --user alice)" http://localhost:3000/orders',
  ];

  static override flags = {
    user: Flags.string({ char: 'u', summary: 'User name, 1-64 characters: letters of any language, digits, spaces, apostrophes, hyphens, . _ @ + (becomes cognito:username).', required: true }),
    admin: Flags.boolean({ summary: 'Put the user in the admin group (the barista page and /admin routes).', default: false }),
    'data-dir': Flags.string({ summary: 'Data folder of the local café (holds the signing key).', default: DEFAULT_DATA_DIR }),
    'ttl-seconds': Flags.integer({ summary: 'Lifetime of the token.', default: 3600, min: 60, max: 86_400 }),
  };

  async run(): Promise<DevTokenResult> {
    const result = await issueDevToken({
      root: projectRoot(process.cwd()),
      dataDir: this.flags['data-dir'],
      user: this.flags.user,
      admin: this.flags.admin,
      ttlSeconds: this.flags['ttl-seconds'],
    });
    this.out.info(result.token);
    return result;
  }
}
