/**
 * The vocabulary of `cafe-ops audit compliance`: rules, the violations they report, and the
 * findings (static, cfn-lint and live) that every output format renders.
 */
import type { Catalog } from '../stacks/catalog';
import type { CfnResource, LoadedTemplate } from '../templates/load';

/** Security Hub's severity labels, lower-cased. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Rank for sorting and --fail-on: critical = 0 (worst). */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** A problem a rule found; `path` is relative to the resource (e.g. ['Properties', 'DeletionProtection']). */
export interface Violation {
  message: string;
  path?: (string | number)[];
  /** For a finding about a policy document: the index of the offending statement in its Statement list. */
  statement?: number;
}

/** A problem found across the catalog; `path` is from the template root, `file` defaults to the catalog. */
export interface CatalogViolation {
  message: string;
  template?: LoadedTemplate;
  path?: (string | number)[];
  logicalId?: string;
  /** A line of the catalog file when the finding is about the catalog itself. */
  catalogLine?: number;
}

export interface RuleInfo {
  /** Stable id, also the rule's file name under rules/ and the key suppressions use (e.g. S3.5). */
  id: string;
  /** The AWS Security Hub Foundational Security Best Practices control, when one exists. */
  control?: string;
  title: string;
  severity: Severity;
  /** CloudFormation resource types the rule applies to; '*' for every resource. */
  resourceTypes: string[];
  remediation: string;
  /** Further Security Hub controls the same check covers (e.g. EC2.13 and EC2.14 beside EC2.53). */
  alsoControls?: string[];
  /** Checkov CloudFormation checks the rule covers (e.g. CKV_AWS_24). */
  checkov?: string[];
  /** The page that specifies the behaviour the rule checks; derived from `control` when absent. */
  docUrl?: string;
}

export interface ResourceContext {
  id: string;
  resource: CfnResource;
  template: LoadedTemplate;
  /** The clock of the audit (rules about dates, e.g. runtime deprecation, read it). */
  now: Date;
  /**
   * The catalog and every stack's template, when the audit runs over the catalog: for rules whose resource another
   * stack configures (a secret's rotation schedule in the stack that deploys after the database).
   */
  stacks?: { catalog: Catalog; templates: Map<string, LoadedTemplate> };
}

export interface ResourceRule extends RuleInfo {
  scope: 'resource';
  check(ctx: ResourceContext): Violation[];
}

/** The numbers of an environment a catalog rule may need (from cafe-ops.yml), by environment name. */
export interface EnvironmentSizes {
  name: string;
  sizes: Record<string, number | undefined>;
}

export interface CatalogContext {
  catalog: Catalog;
  /** Loaded templates by catalog stack name. */
  templates: Map<string, LoadedTemplate>;
  /** Environments of cafe-ops.yml, when a config file was found. */
  environments: EnvironmentSizes[];
  now: Date;
  /** Ids of every registered rule (suppressions must name one). */
  ruleIds: ReadonlySet<string>;
  /** The line of a key path of the catalog file, e.g. ['stacks', 'data', 'parameters', 'AuroraMinCapacity']. */
  catalogLine(path: (string | number)[]): number;
}

export interface CatalogRule extends RuleInfo {
  scope: 'catalog';
  check(ctx: CatalogContext): CatalogViolation[];
}

export type Rule = ResourceRule | CatalogRule;

export type FindingSource = 'template' | 'catalog' | 'cfn-lint' | 'config' | 'drift' | 'cloudtrail' | 'deployment';

export interface Finding {
  /** Rule id (a cafe-ops rule, a cfn-lint rule, or a live check such as drift). */
  rule: string;
  control?: string;
  severity: Severity;
  title: string;
  message: string;
  remediation?: string;
  source: FindingSource;
  /** Template or catalog file (static findings). */
  file?: string;
  line?: number;
  logicalId?: string;
  resourceType?: string;
  /** Live findings: where and what. */
  region?: string;
  stack?: string;
  resourceId?: string;
  /**
   * Static findings: the key path of what the finding is about, relative to its resource (or to the
   * template root for findings about the stack as a whole), as a suppression names it
   * (e.g. `Properties.Policies[0].PolicyDocument.Statement[1]`), and the fingerprint of the value there.
   */
  path?: string;
  fingerprint?: string;
  /** Present when a suppression with a reason covers the finding: it is reported, never counted. */
  suppressed?: { reason: string; file?: string; line?: number };
}
