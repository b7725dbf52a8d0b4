/**
 * `cafe-ops audit compliance`: the static audit of the catalog's templates (offline), the live
 * audit of an environment (with credentials), one report, rendered in the format asked for.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AwsClients } from '../aws/clients';
import { checkAccount } from '../aws/identity';
import { loadConfig, selectEnvironment, type ResolvedEnvironment } from '../config/load';
import { UserError } from '../errors';
import { loadCatalog } from '../stacks/catalog';
import type { Output } from '../ui/output';
import { renderReport, type ReportFormat } from './format';
import { auditLive, type LiveAuditResult, type LiveCheck } from './live/audit';
import { regionPorts } from './live/aws';
import { locateLiveFindings } from './live/locate';
import type { Clock, RegionPorts } from './live/ports';
import { loadRules, selectRules } from './registry';
import { buildReport, type ComplianceReport, type FailOn } from './report';
import { auditCatalog, type StaticAuditResult } from './static';
import type { EnvironmentSizes } from './types';
import { resolvedSizes } from '../config/knobs';

export interface ComplianceAuditOptions {
  catalogFile: string;
  configFile: string;
  envName?: string;
  /** Run the template rules (default) and/or the live checks. */
  staticAudit: boolean;
  live: boolean;
  region?: string;
  cfnLint: boolean;
  /** Only these rule ids or controls (static). */
  only?: string[];
  checks?: LiveCheck[];
  failOn: FailOn;
  format: ReportFormat;
  /** List the suppressed findings in the table and Markdown reports (machine formats always hold them). */
  showSuppressed?: boolean;
  /** cfn-lint result cache (default .cafe-ops/cache/cfn-lint); false turns it off. */
  cfnLintCache?: string | false;
  outFile?: string;
  now?: Date;
  /** The cafe-ops version for the report (SARIF driver.version); package.json's by default. */
  toolVersion?: string;
  /** Environment variables (GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA give SARIF its informationUri); process.env by default. */
  env?: NodeJS.ProcessEnv;
}

export interface ComplianceAuditDeps {
  /** Live-audit ports per region (tests); the AWS adapters by default. */
  ports?: (region: string) => Promise<RegionPorts>;
  clock?: Clock;
  pollMs?: number;
}

export async function runComplianceAudit(options: ComplianceAuditOptions, out: Output, aws: () => AwsClients, deps: ComplianceAuditDeps = {}): Promise<ComplianceReport> {
  if (!options.staticAudit && !options.live) throw new UserError('nothing to audit: --no-static without --live', 'add --live to audit the deployed environment');
  const now = options.now ?? new Date();
  const catalog = await loadCatalog(options.catalogFile);
  const rules = selectRules(loadRules(), options.only);
  if (options.only?.length && rules.length === 0) {
    throw new UserError(`--rule ${options.only.join(', ')}: no such rule`, `see docs/compliance.md for the rule ids (e.g. S3.5, RDS.27, IAM.21)`);
  }
  const { environments, env } = await readEnvironments(options);

  let staticResult: StaticAuditResult | undefined;
  if (options.staticAudit) {
    out.progress(`auditing ${Object.keys(catalog.stacks).length} stacks against ${rules.length} rules${options.cfnLint ? ' (and cfn-lint, when installed)' : ''}`);
    staticResult = await auditCatalog(catalog, { environments, now, rules, cfnLint: options.cfnLint, ...(options.cfnLintCache !== undefined ? { cfnLintCache: options.cfnLintCache } : {}), ...(options.only ? { only: options.only } : {}) });
    if (options.cfnLint && staticResult.cfnLint === 'not installed') out.warn('cfn-lint is not installed: its findings are missing (pip install cfn-lint)');
  }

  let live: LiveAuditResult | undefined;
  if (options.live) {
    if (!env) throw new UserError('--live needs an environment', 'pass --env NAME (an environment of cafe-ops.yml)');
    if (options.region && ![env.primaryRegion, env.secondaryRegion, 'us-east-1'].includes(options.region)) {
      throw new UserError(`--region ${options.region} is not a region of environment ${env.name} (${env.primaryRegion}, ${env.secondaryRegion}, edge us-east-1)`);
    }
    if (!deps.ports) await checkAccount(aws(), env, out);
    live = await auditLive({
      catalog,
      env,
      ports: deps.ports ?? ((region) => regionPorts(aws(), region)),
      ...(options.region ? { region: options.region } : {}),
      ...(options.checks ? { checks: options.checks } : {}),
      ...(deps.clock ? { clock: deps.clock } : {}),
      ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}),
      out,
    });
    live = { ...live, findings: await locateLiveFindings(live.findings, live.stacks, catalog) };
  }

  const report = buildReport({ now, toolVersion: options.toolVersion ?? packageVersion(), ...(env ? { environment: env.name } : {}), ...(staticResult ? { staticResult, rules } : {}), ...(live ? { live } : {}), failOn: options.failOn });
  const informationUri = docsUri(options.env ?? process.env);
  const text = renderReport(report, options.format, { showSuppressed: options.showSuppressed ?? false, ...(informationUri ? { informationUri } : {}) });
  if (options.outFile) {
    await mkdir(dirname(options.outFile), { recursive: true });
    await writeFile(options.outFile, text);
    out.progress(`wrote ${options.format} report to ${options.outFile}`);
  } else if (!out.json) {
    out.info(text.trimEnd());
  }
  return report;
}

/** The version of package.json (src/lib/compliance and dist/lib/compliance are both three levels down). */
function packageVersion(): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** The rule documentation in the repository being scanned, when run by GitHub Actions. */
export function docsUri(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_SHA: sha } = env;
  if (!server || !repo || !/^https?:\/\//.test(server)) return undefined;
  return `${server.replace(/\/$/, '')}/${repo}/blob/${sha || 'HEAD'}/docs/compliance.md`;
}

/** The environments whose sizes the cross-region rule checks, and the one chosen with --env. */
async function readEnvironments(options: ComplianceAuditOptions): Promise<{ environments: EnvironmentSizes[]; env?: ResolvedEnvironment }> {
  if (!existsSync(options.configFile)) {
    if (options.live || options.envName) await loadConfig(options.configFile); // throws the one-line "config file not found"
    return { environments: [] };
  }
  const { config } = await loadConfig(options.configFile);
  const env = options.envName || options.live ? selectEnvironment(config, options.envName) : undefined;
  const names = env ? [env.name] : Object.keys(config.environments);
  return {
    environments: names.map((name) => ({ name, sizes: numericSizes(config.environments[name]!.sizes) })),
    ...(env ? { env } : {}),
  };
}

/**
 * The numbers of an environment's sizes, knobs filled in, by catalog path (`dynamoDb.menu.write.max`); a
 * per-region knob by its secondary region's value, which is what the cross-region rule asks about.
 */
function numericSizes(sizes: Parameters<typeof resolvedSizes>[0]): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (value: unknown, path: string[]) => {
    if (typeof value === 'number') out[path.join('.')] = value;
    else if (value && typeof value === 'object' && 'primary' in value && 'secondary' in value) walk((value as { secondary: unknown }).secondary, path);
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  // Not capacity the standby lacks at 0: provisioned concurrency (the functions still scale on demand), NAT
  // gateways (cafe-ops.yml refuses 0 without interface endpoints, which carry the AWS traffic), and the headless
  // secondary's instances (the failover drill adds one before it switches: docs/failover.md).
  const { provisionedConcurrency: _warm, natGateways: _nat, auroraInstances: _instances, ...capacity } = resolvedSizes(sizes);
  walk(capacity, []);
  return out;
}
