import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let cached: string | undefined;

/**
 * `cafe-ops/<version>`, the product's part of the user agent of every AWS SDK client (the SDK's
 * `customUserAgent` appends it to its own), so CloudTrail's `userAgent` field tells which release made
 * a call.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */
export function userAgent(): string {
  // package.json sits three levels up from both src/lib/aws and dist/lib/aws.
  cached ??= `cafe-ops/${(JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { version: string }).version}`;
  return cached;
}
