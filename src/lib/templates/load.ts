/**
 * Loads CloudFormation YAML/JSON templates: short-form intrinsics (!Ref, !Sub, !GetAtt ...) become
 * their long form ({ Ref }, { 'Fn::Sub' } ...), and every key keeps its line so findings of lint,
 * audit and cost can point at file:line.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, Pair, Scalar, YAMLMap, isMap, isSeq, isScalar, parseDocument, visit, type Node, type Tags } from 'yaml';
import { UserError } from '../errors';

export interface CfnTemplate {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Metadata?: Record<string, unknown>;
  Parameters?: Record<string, CfnParameter>;
  Mappings?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
  Rules?: Record<string, unknown>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, CfnOutput>;
  Transform?: unknown;
}

export interface CfnParameter {
  Type: string;
  Default?: unknown;
  AllowedValues?: unknown[];
  AllowedPattern?: string;
  ConstraintDescription?: string;
  Description?: string;
  NoEcho?: boolean;
  MinValue?: number;
  MaxValue?: number;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export interface CfnOutput {
  Value: unknown;
  Description?: string;
  Export?: { Name: unknown };
  Condition?: string;
}

export interface LoadedTemplate {
  /** Path as given (relative paths stay relative, for readable findings). */
  file: string;
  template: CfnTemplate;
  /** The 1-based line of a key path such as ['Resources', 'Bucket', 'Properties', 'BucketName']. */
  lineOf(path: readonly (string | number)[]): number;
  /**
   * YAML aliases (`*name`) in the source, with their lines. CloudFormation rejects a template that has any
   * ("YAML aliases are not allowed in CloudFormation templates"); the values here are already expanded.
   */
  aliases: { line: number; name: string }[];
}

const INTRINSICS: Record<string, string> = {
  Ref: 'Ref',
  Condition: 'Condition',
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  FindInMap: 'Fn::FindInMap',
  GetAtt: 'Fn::GetAtt',
  GetAZs: 'Fn::GetAZs',
  ImportValue: 'Fn::ImportValue',
  Join: 'Fn::Join',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  Sub: 'Fn::Sub',
  Transform: 'Fn::Transform',
  And: 'Fn::And',
  Equals: 'Fn::Equals',
  If: 'Fn::If',
  Not: 'Fn::Not',
  Or: 'Fn::Or',
  ToJsonString: 'Fn::ToJsonString',
  Length: 'Fn::Length',
};

function wrap(fn: string, value: Node): YAMLMap {
  const map = new YAMLMap();
  map.items.push(new Pair(new Scalar(fn), value));
  if (value.range) map.range = value.range;
  return map;
}

const cfnTags: Tags = Object.entries(INTRINSICS).flatMap(([short, fn]) => [
  {
    tag: `!${short}`,
    resolve: (value: string) => (fn === 'Fn::GetAtt' ? { [fn]: splitGetAtt(value) } : { [fn]: value }),
  },
  { tag: `!${short}`, collection: 'seq' as const, resolve: (value: Node) => wrap(fn, value) },
  { tag: `!${short}`, collection: 'map' as const, resolve: (value: Node) => wrap(fn, value) },
]);

function splitGetAtt(value: string): string[] {
  const dot = value.indexOf('.');
  return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
}

export function parseTemplate(text: string, file: string): LoadedTemplate {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, customTags: cfnTags, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0].line;
    const reason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new UserError(`${file}${line ? `:${line}` : ''}: template does not parse: ${reason}`);
  }
  const template = doc.toJS({ maxAliasCount: 1000 }) as CfnTemplate | null;
  if (!template || typeof template !== 'object' || Array.isArray(template)) {
    throw new UserError(`${file}:1: not a CloudFormation template (expected a mapping at the top level)`);
  }
  if (!template.Resources || typeof template.Resources !== 'object') {
    throw new UserError(`${file}:1: template has no Resources section`);
  }
  const lines = new Map<string, number>();
  indexLines(doc.contents, [], lines, lineCounter);
  const aliases: LoadedTemplate['aliases'] = [];
  visit(doc, {
    Alias: (_key, node) => {
      aliases.push({ line: node.range ? lineCounter.linePos(node.range[0]).line : 1, name: node.source });
    },
  });
  return {
    file,
    template,
    aliases,
    lineOf: (path) => {
      for (let n = path.length; n > 0; n--) {
        const line = lines.get(path.slice(0, n).join('\u0000'));
        if (line) return line;
      }
      return 1;
    },
  };
}

export async function loadTemplate(file: string): Promise<LoadedTemplate> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`template not found: ${file}`);
    throw error;
  }
  return parseTemplate(text, file);
}

function indexLines(node: unknown, path: string[], lines: Map<string, number>, counter: LineCounter): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const keyPath = [...path, key];
      const range = (pair.key as Node | null)?.range;
      if (range) lines.set(keyPath.join('\u0000'), counter.linePos(range[0]).line);
      // A wrapped intrinsic (!Sub [...]) is a map whose key has no range: index its value at the parent path.
      indexLines(pair.value, keyPath, lines, counter);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      const itemPath = [...path, String(index)];
      const range = (item as Node | null)?.range;
      if (range) lines.set(itemPath.join('\u0000'), counter.linePos(range[0]).line);
      indexLines(item, itemPath, lines, counter);
    });
  }
}
