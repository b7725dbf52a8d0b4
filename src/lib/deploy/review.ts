/**
 * Review, then execute what was reviewed. `deploy --no-execute --review-out FILE` writes the change
 * sets kept for review (FILE, JSON) and a Markdown summary beside it (FILE.md, for a pull-request
 * comment or a GitHub job summary); `deploy --execute FILE` executes exactly those change sets, after
 * checking that nothing changed since: each stack's status and LastUpdatedTime as reviewed, each change
 * set still there, CREATE_COMPLETE and ExecutionStatus AVAILABLE ("OBSOLETE ... because the stack was
 * already updated", https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ChangeSetSummary.html;
 * executing anything else fails with InvalidChangeSetStatus, https://github.com/aws/amazon-chime-sdk-js/issues/1089).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { UserError, errorMessage } from '../errors';
import type { CloudFormationPort, ResourceChange } from './ports';
import type { DeployReport, KeptChangeSet } from './types';

export const REVIEW_KIND = 'cafe-ops/deploy-review';

export interface ReviewedStack {
  id: string;
  stackName: string;
  region: string;
  /** Stacks of this review it needs: they execute first. */
  dependsOn: string[];
  changes: ResourceChange[];
  changeSet: KeptChangeSet;
}

export interface Review {
  kind: typeof REVIEW_KIND;
  version: 1;
  environment: string;
  account: string;
  createdAt: string;
  stacks: ReviewedStack[];
  /** Stack instances equal to what is deployed: nothing to execute. */
  unchanged: string[];
  /** Stack instances with no change set in the review, and why (e.g. they need outputs of stacks not deployed yet). */
  notInReview: { id: string; reason: string }[];
}

export function buildReview(report: DeployReport, env: { name: string; accountId: string }, dependsOn: (id: string) => string[], now: Date): Review {
  const kept = report.stacks.filter((s) => s.result === 'change set kept' && s.changeSet);
  const ids = new Set(kept.map((s) => s.id));
  return {
    kind: REVIEW_KIND,
    version: 1,
    environment: env.name,
    account: env.accountId,
    createdAt: now.toISOString(),
    stacks: kept.map((s) => ({ id: s.id, stackName: s.stackName, region: s.region, dependsOn: dependsOn(s.id).filter((d) => ids.has(d)), changes: s.changes, changeSet: s.changeSet! })),
    unchanged: report.stacks.filter((s) => s.result === 'no changes').map((s) => s.id),
    notInReview: report.stacks
      .filter((s) => s.result !== 'change set kept' && s.result !== 'no changes')
      .map((s) => ({ id: s.id, reason: s.result === 'skipped' ? (s.error ?? 'not started').replace(/^not started: /, '') : `${s.result}${s.error ? `: ${s.error}` : ''}` })),
  };
}

export async function writeReview(file: string, review: Review): Promise<string> {
  const markdown = `${file}.md`;
  await writeFile(file, `${JSON.stringify(review, null, 2)}\n`);
  await writeFile(markdown, reviewMarkdown(review, file));
  return markdown;
}

const sign = (c: ResourceChange) => (c.action === 'Add' ? 'add' : c.action === 'Remove' ? 'remove' : c.action === 'Modify' ? 'modify' : c.action.toLowerCase());

export function reviewMarkdown(review: Review, file = 'review.json'): string {
  const lines = [
    `## cafe-ops deploy review: ${review.environment} (account ${review.account})`,
    '',
    `${review.stacks.length} change set${review.stacks.length === 1 ? '' : 's'} to review, created ${review.createdAt}. ` +
      `Execute exactly these with \`cafe-ops deploy --env ${review.environment} --execute ${file}\`; a stack changed since is refused.`,
    '',
  ];
  if (review.stacks.length) {
    lines.push('| stack | region | change set | changes |', '|---|---|---|---|');
    for (const s of review.stacks) {
      const counts = new Map<string, number>();
      for (const c of s.changes) counts.set(sign(c), (counts.get(sign(c)) ?? 0) + 1);
      const summary = [...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
      const replaced = s.changes.filter((c) => c.replacement === 'True' || c.replacement === 'Conditional').length;
      lines.push(`| ${s.stackName} | ${s.region} | ${s.changeSet.type === 'CREATE' ? 'new stack' : 'update'} \`${s.changeSet.name}\` | ${summary}${replaced ? `, **${replaced} replacement${replaced === 1 ? '' : 's'}**` : ''} |`);
    }
    lines.push('');
    for (const s of review.stacks) {
      lines.push(`<details><summary>${s.stackName} (${s.region}): ${s.changes.length} change${s.changes.length === 1 ? '' : 's'}</summary>`, '');
      lines.push('| action | logical id | type | replacement |', '|---|---|---|---|');
      for (const c of s.changes) lines.push(`| ${c.action} | ${c.logicalId} | ${c.type} | ${c.replacement ?? ''} |`);
      const params = Object.entries(s.changeSet.parameters).map(([k, v]) => `${k}=${v}`).join(', ');
      lines.push('', `Template sha256 \`${s.changeSet.templateSha256.slice(0, 12)}\`${params ? `; parameters ${params}` : ''}.`);
      if (s.changeSet.thenUpdatedTo) {
        lines.push(`Created with its create-time values; the next deploy updates ${Object.entries(s.changeSet.thenUpdatedTo).map(([k, v]) => `${k}=${v}`).join(', ')}.`);
      }
      lines.push('', '</details>', '');
    }
  }
  if (review.unchanged.length) lines.push(`Unchanged (no change set): ${review.unchanged.join(', ')}.`, '');
  if (review.notInReview.length) {
    lines.push(
      '**Not in this review.** A change set needs the outputs of the stacks it reads; a stack whose producers are not deployed yet',
      'cannot have one until they are: deploy again after executing this review.',
      '',
    );
    for (const s of review.notInReview) lines.push(`- ${s.id}: ${s.reason}`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Reads a review for `env`; a file that does not parse, or is for another environment or account, is one clear line. */
export async function readReview(file: string, env: { name: string; accountId: string }): Promise<Review> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UserError(`review file not found: ${file}`, 'write one with cafe-ops deploy --no-execute --review-out FILE');
  }
  let review: Review;
  try {
    review = JSON.parse(text) as Review;
  } catch (error) {
    throw new UserError(`${file} does not parse as a deploy review: ${errorMessage(error)}`);
  }
  const stacksOk = Array.isArray(review?.stacks) && review.stacks.every((s) => typeof s?.id === 'string' && typeof s?.stackName === 'string' && typeof s?.region === 'string' && Array.isArray(s?.dependsOn) && typeof s?.changeSet?.name === 'string' && typeof s?.changeSet?.stackStatus === 'string');
  if (review?.kind !== REVIEW_KIND || review.version !== 1 || !stacksOk) throw new UserError(`${file} is not a cafe-ops deploy review (version 1)`);
  if (review.environment !== env.name) throw new UserError(`${file} is a review of environment ${review.environment}, not ${env.name}`);
  if (review.account !== env.accountId) throw new UserError(`${file} is a review for account ${review.account}, but environment ${env.name} is account ${env.accountId}`);
  return review;
}

/**
 * Why each reviewed change set can no longer be executed as reviewed (empty when all can). Two calls
 * per stack: DescribeStacks (by unique id when known) and DescribeChangeSet.
 */
export async function staleChangeSets(review: Review, cloudFormation: (region: string) => CloudFormationPort): Promise<string[]> {
  const reasons = await Promise.all(
    review.stacks.map(async (s): Promise<string | undefined> => {
      const cfn = cloudFormation(s.region);
      const label = `${s.stackName} (${s.region})`;
      const stack = await cfn.describeStack(s.changeSet.stackId ?? s.stackName);
      if (!stack || stack.status === 'DELETE_COMPLETE') return `${label} no longer exists`;
      if (stack.status !== s.changeSet.stackStatus) return `${label} is ${stack.status}, reviewed as ${s.changeSet.stackStatus}`;
      if ((stack.lastUpdatedTime ?? '') !== (s.changeSet.lastUpdatedTime ?? '')) return `${label} was updated at ${stack.lastUpdatedTime} after the review`;
      let info;
      try {
        info = await cfn.describeChangeSet(s.stackName, s.changeSet.name);
      } catch (error) {
        if (/ChangeSetNotFound/.test((error as Error).name ?? '') || /does not exist|not found/i.test(errorMessage(error))) return `${label}: change set ${s.changeSet.name} is gone`;
        throw error;
      }
      if (info.status !== 'CREATE_COMPLETE') return `${label}: change set ${s.changeSet.name} is ${info.status}`;
      if (info.executionStatus && info.executionStatus !== 'AVAILABLE') return `${label}: change set ${s.changeSet.name} cannot be executed (${info.executionStatus})`;
      return undefined;
    }),
  );
  return reasons.filter((r): r is string => r !== undefined);
}
