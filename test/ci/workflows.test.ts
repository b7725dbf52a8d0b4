import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { parseConfig } from '../../src/lib/config/load';
import { parseTemplate } from '../../src/lib/templates/load';

/**
 * The café's own GitHub Actions pipeline against the ci stack that serves it, with no network: every job that
 * assumes an AWS role presents an OIDC subject that role trusts, every subject the roles trust is used by a job,
 * every workflow passes action-validator, and no step uses stored AWS keys.
 *
 * The subject claim of a job: repo:OWNER/NAME:environment:NAME when the job names an environment, else by trigger
 * repo:OWNER/NAME:pull_request, repo:OWNER/NAME:ref:refs/heads/BRANCH (push, workflow_dispatch on a branch) ...
 * https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#example-subject-claims
 */
const root = join(__dirname, '../..');
const workflowDir = join(root, '.github/workflows');
const files = readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f)).sort();
const config = parseConfig(readFileSync(join(root, 'cafe-ops.yml'), 'utf8'));
const repository = config.githubRepository!;
const cafeEnvironments = Object.keys(config.environments);
const ci = parseTemplate(readFileSync(join(root, 'templates/ci.yaml'), 'utf8'), 'templates/ci.yaml').template;

type Json = Record<string, unknown>;
interface Step { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> }
interface Job { environment?: string | { name: string }; permissions?: Record<string, string> | string; steps?: Step[]; needs?: string | string[] }
interface Workflow { on: Json; jobs: Record<string, Job>; permissions?: Record<string, string> }

const workflows = Object.fromEntries(files.map((f) => [f, parse(readFileSync(join(workflowDir, f), 'utf8')) as Workflow]));

/** Role variable of a configure-aws-credentials step → the ci.yaml role it holds (the ci stack's outputs). */
const ROLE_VARIABLES: Record<string, string> = { CAFE_DEPLOY_ROLE_ARN: 'DeployRole', CAFE_REVIEW_ROLE_ARN: 'ReviewRole', CAFE_FAILOVER_ROLE_ARN: 'FailoverRole' };

/** The subjects (exact values) a role of ci.yaml trusts, for one cafe-ops environment, and its audience. */
function trust(role: string, environment: string): { subjects: string[]; audiences: string[] } {
  const statements = (((ci.Resources[role] as unknown as Json).Properties as Json).AssumeRolePolicyDocument as Json).Statement as Json[];
  const web = statements.filter((s) => s.Action === 'sts:AssumeRoleWithWebIdentity');
  expect(web).toHaveLength(1);
  const condition = web[0]!.Condition as Record<string, Record<string, unknown>>;
  // Exact values only: StringLike (wildcards) would trust subjects no workflow presents.
  expect(Object.keys(condition)).toEqual(['StringEquals']);
  const values = (key: string) => [condition.StringEquals![key]].flat().map((v) => substitute(v, environment));
  return { subjects: values('token.actions.githubusercontent.com:sub'), audiences: values('token.actions.githubusercontent.com:aud') };
}

function substitute(value: unknown, environment: string): string {
  const text = typeof value === 'string' ? value : (value as { 'Fn::Sub': string })['Fn::Sub'];
  return text.replace('${GitHubRepository}', repository).replace('${Environment}', environment);
}

/** Every value a job's expression can take: `${{ inputs.X }}` over the choices of workflow_dispatch. */
function bindings(workflow: Workflow): Record<string, string>[] {
  const inputs = ((workflow.on.workflow_dispatch as Json | undefined)?.inputs ?? {}) as Record<string, { options?: string[] }>;
  const env = inputs.environment?.options;
  return env ? env.map((value) => ({ environment: value })) : [{}];
}

const expand = (text: string, binding: Record<string, string>) => text.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => binding[name] ?? `<${name}>`);

/** The OIDC subject of a job, from its environment or else its trigger. */
function subjectOf(workflow: Workflow, job: Job, binding: Record<string, string>): string {
  const environment = typeof job.environment === 'object' ? job.environment.name : job.environment;
  if (environment) return `repo:${repository}:environment:${expand(environment, binding)}`;
  const triggers = Object.keys(workflow.on);
  expect(triggers).toHaveLength(1);
  if (triggers[0] === 'pull_request') return `repo:${repository}:pull_request`;
  const branches = ((workflow.on[triggers[0]!] as Json | null)?.branches as string[] | undefined) ?? ['<any branch>'];
  expect(branches).toHaveLength(1);
  return `repo:${repository}:ref:refs/heads/${branches[0]}`;
}

/** The cafe-ops environments a job's commands name (`--env X`, shell variables set from the step's env). */
function cafeEnvironmentsOf(job: Job, binding: Record<string, string>): string[] {
  const names = new Set<string>();
  for (const step of job.steps ?? []) {
    if (!step.run) continue;
    const vars = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v), binding)]));
    for (const m of step.run.matchAll(/--env\s+("?\$(\w+)"?|[\w-]+)/g)) names.add(m[2] ? vars[m[2]] ?? `$${m[2]}` : m[1]!);
  }
  return [...names];
}

interface OidcJob { file: string; job: string; subject: string; role: string; environment: string; permissions: Job['permissions'] }

const oidcJobs: OidcJob[] = [];
for (const [file, workflow] of Object.entries(workflows)) {
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const steps = (job.steps ?? []).filter((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    for (const step of steps) {
      const variable = /^\$\{\{\s*vars\.(\w+)\s*\}\}$/.exec(String(step.with?.['role-to-assume'] ?? ''))?.[1] ?? '';
      for (const binding of bindings(workflow)) {
        const envs = cafeEnvironmentsOf(job, binding);
        expect({ file, job: name, envs }).toEqual({ file, job: name, envs: [expect.any(String)] });
        oidcJobs.push({ file, job: name, subject: subjectOf(workflow, job, binding), role: ROLE_VARIABLES[variable] ?? `unknown variable ${variable}`, environment: envs[0]!, permissions: job.permissions });
      }
    }
  }
}

describe('GitHub Actions workflows and the ci stack', () => {
  it('has the pipeline: pull request, deploy, game day', () => {
    expect(files).toEqual(['deploy.yml', 'game-day.yml', 'pull-request.yml']);
    expect(oidcJobs.map((j) => `${j.file}:${j.job}:${j.environment}`)).toEqual([
      'deploy.yml:staging:staging',
      'deploy.yml:review-production:production',
      'deploy.yml:production:production',
      'game-day.yml:failover:staging',
      'game-day.yml:failover:production',
      'pull-request.yml:review-staging:staging',
    ]);
  });

  it('every job that assumes a role presents a subject that role trusts for its environment', () => {
    for (const job of oidcJobs) {
      expect(cafeEnvironments).toContain(job.environment);
      const { subjects, audiences } = trust(job.role, job.environment);
      expect({ job: `${job.file}:${job.job}`, subject: job.subject, trusted: subjects.includes(job.subject) }).toEqual({ job: `${job.file}:${job.job}`, subject: job.subject, trusted: true });
      // configure-aws-credentials asks for the audience sts.amazonaws.com by default.
      expect(audiences).toEqual(['sts.amazonaws.com']);
      expect(job.permissions).toEqual(expect.objectContaining({ 'id-token': 'write' }));
    }
  });

  it('trusts no subject that no job presents', () => {
    for (const role of Object.values(ROLE_VARIABLES)) {
      for (const environment of cafeEnvironments) {
        const used = oidcJobs.filter((j) => j.role === role && j.environment === environment).map((j) => j.subject);
        expect({ role, environment, subjects: [...new Set(used)].sort() }).toEqual({ role, environment, subjects: [...trust(role, environment).subjects].sort() });
      }
    }
  });

  it('computes the subjects GitHub documents', () => {
    const pr: Workflow = { on: { pull_request: { branches: ['main'] } }, jobs: {} };
    const push: Workflow = { on: { push: { branches: ['main'] } }, jobs: {} };
    expect(subjectOf(pr, {}, {})).toBe(`repo:${repository}:pull_request`);
    expect(subjectOf(push, {}, {})).toBe(`repo:${repository}:ref:refs/heads/main`);
    expect(subjectOf(push, { environment: 'production' }, {})).toBe(`repo:${repository}:environment:production`);
    expect(subjectOf(pr, { environment: { name: '${{ inputs.environment }}-failover' } }, { environment: 'staging' })).toBe(`repo:${repository}:environment:staging-failover`);
  });

  it('reviews with a role that cannot execute a change set or delete a stack, and executes with the deploy role', () => {
    const review = oidcJobs.filter((j) => /--no-execute/.test(JSON.stringify(workflows[j.file]!.jobs[j.job]!.steps)));
    expect(review.map((j) => `${j.file}:${j.job}:${j.role}`)).toEqual(['deploy.yml:review-production:ReviewRole', 'pull-request.yml:review-staging:ReviewRole']);
    expect(oidcJobs.filter((j) => j.role === 'DeployRole').every((j) => !j.subject.endsWith('-review'))).toBe(true);
    const actions = (((ci.Resources.ReviewRole as unknown as Json).Properties as Json).Policies as { PolicyDocument: { Statement: Json[] } }[])
      .flatMap((p) => p.PolicyDocument.Statement)
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => [s.Action].flat() as string[]);
    expect(actions).toContain('cloudformation:CreateChangeSet');
    for (const forbidden of ['cloudformation:ExecuteChangeSet', 'cloudformation:DeleteStack', 'cloudformation:SetStackPolicy', 'cloudformation:UpdateTerminationProtection', 'lambda:InvokeFunction', 's3:DeleteObject']) {
      expect(actions).not.toContain(forbidden);
    }
    expect(actions.some((a) => a.endsWith(':*') || a === '*')).toBe(false);
  });

  it('executes production only behind the environment `production`, from the reviewed change sets', () => {
    const deploy = workflows['deploy.yml']!;
    const production = deploy.jobs.production!;
    expect(production.environment).toBe('production');
    expect(production.needs).toBe('review-production');
    expect(production.steps!.map((s) => s.run).filter(Boolean)).toContain('node bin/run.js deploy --env production --execute review.json --yes');
    const review = deploy.jobs['review-production']!;
    expect(review.steps!.map((s) => s.run)).toContain('node bin/run.js deploy --env production --no-execute --review-out review.json');
    const artifact = (review.steps!.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!.with!.name as string);
    expect(production.steps!.find((s) => s.uses?.startsWith('actions/download-artifact@'))!.with!.name).toBe(artifact);
  });

  it('uses no stored AWS keys', () => {
    for (const file of files) {
      const text = readFileSync(join(workflowDir, file), 'utf8');
      expect({ file, keys: text.match(/aws-access-key-id|aws-secret-access-key|aws-session-token|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|secrets\.\w*AWS\w*/gi) }).toEqual({ file, keys: null });
      for (const job of Object.values(workflows[file]!.jobs)) {
        for (const step of job.steps ?? []) {
          if (step.uses?.startsWith('aws-actions/configure-aws-credentials@')) expect(step.with?.['role-to-assume']).toMatch(/^\$\{\{ vars\.\w+ \}\}$/);
        }
      }
    }
  });

  it('grants id-token: write only to the jobs that assume a role, and read-only contents by default', () => {
    for (const [file, workflow] of Object.entries(workflows)) {
      expect(workflow.permissions).toEqual({ contents: 'read' });
      for (const [name, job] of Object.entries(workflow.jobs)) {
        const assumes = oidcJobs.some((j) => j.file === file && j.job === name);
        expect({ file, name, idToken: (job.permissions as Record<string, string> | undefined)?.['id-token'] }).toEqual({ file, name, idToken: assumes ? 'write' : undefined });
      }
    }
  });

  it('pins every action to a full commit SHA with its release in a comment', () => {
    for (const file of files) {
      const lines = readFileSync(join(workflowDir, file), 'utf8').split('\n').filter((l) => /^\s*(- )?uses:/.test(l));
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    }
  });
});

describe('action-validator', () => {
  const bin = join(root, 'node_modules/.bin/action-validator');
  const run = promisify(execFile);

  it.each(files)('%s passes', async (file) => {
    await expect(run(bin, [join(workflowDir, file)])).resolves.toBeDefined();
  });

  it('fails a workflow with a misspelt key (the check can fail)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cafe-workflow-'));
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, readFileSync(join(workflowDir, 'deploy.yml'), 'utf8').replace('runs-on:', 'runs_on:'));
    await expect(run(bin, [bad])).rejects.toMatchObject({ code: 1 });
  });
});
