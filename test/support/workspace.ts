import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';

const root = join(__dirname, '../..');

/**
 * A working directory to deploy the real catalog from, against an emulator: templates/ and cafe-ops.yml
 * copied (so a test may edit them), the code the deploy bundles and builds linked, and staging's hosted
 * zone created on the emulator (a prerequisite of a deploy, README) with its id in the copied config.
 */
export async function deployWorkspace(endpoint: string, prefix: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const part of ['templates', 'cafe-ops.yml']) cpSync(join(root, part), join(dir, part), { recursive: true });
  for (const part of ['functions', 'site', 'package.json', 'tsconfig.json', 'node_modules']) symlinkSync(join(root, part), join(dir, part));
  const route53 = new Route53Client({ region: 'us-east-1', endpoint });
  const zone = await route53.send(new CreateHostedZoneCommand({ Name: 'staging.cafe.example.com', CallerReference: `e2e-${Date.now()}` }));
  route53.destroy();
  const zoneId = zone.HostedZone!.Id!.split('/').pop()!;
  const config = join(dir, 'cafe-ops.yml');
  writeFileSync(config, readFileSync(config, 'utf8').replace('hostedZoneId: Z0STAGING0000000000', `hostedZoneId: ${zoneId}`));
  return dir;
}
