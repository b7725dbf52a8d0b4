/**
 * Just enough CloudFormation evaluation to price a template offline: Ref to parameters and
 * pseudo parameters, conditions, Fn::If, Fn::Sub on known values. Anything unknowable before
 * deploy (outputs of other stacks, GetAtt) resolves to undefined.
 */
import type { CfnTemplate } from '../../templates/load';

export const NO_VALUE = Symbol('AWS::NoValue');

export interface ValueContext {
  template: CfnTemplate;
  params: Record<string, string | undefined>;
  region: string;
  accountId: string;
}

export function resolveValue(value: unknown, ctx: ValueContext): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, ctx)).filter((v) => v !== NO_VALUE);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [fn, arg] = entries[0]!;
    switch (fn) {
      case 'Ref':
        return ref(String(arg), ctx);
      case 'Fn::If': {
        const [condition, yes, no] = arg as [string, unknown, unknown];
        const test = conditionValue(condition, ctx);
        return test === undefined ? undefined : resolveValue(test ? yes : no, ctx);
      }
      case 'Fn::Sub': {
        if (typeof arg !== 'string') return undefined;
        let unknown = false;
        const text = arg.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
          const v = ref(name, ctx);
          if (typeof v !== 'string' && typeof v !== 'number') unknown = true;
          return String(v);
        });
        return unknown ? undefined : text;
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        const items = resolveValue(list, ctx);
        const i = Number(resolveValue(index, ctx));
        return Array.isArray(items) && Number.isInteger(i) ? items[i] : undefined;
      }
      case 'Fn::Split': {
        const [separator, text] = arg as [string, unknown];
        const value = resolveValue(text, ctx);
        return typeof value === 'string' ? value.split(separator) : undefined;
      }
      default:
        if (fn.startsWith('Fn::') || fn === 'Condition') return undefined;
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveValue(v, ctx)]));
}

function ref(name: string, ctx: ValueContext): unknown {
  switch (name) {
    case 'AWS::Region':
      return ctx.region;
    case 'AWS::AccountId':
      return ctx.accountId;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::NoValue':
      return NO_VALUE;
    default: {
      const value = name in ctx.params ? ctx.params[name] : undefined;
      // A CommaDelimitedList parameter is a list where the template references it.
      return value !== undefined && ctx.template.Parameters?.[name]?.Type === 'CommaDelimitedList' ? value.split(',') : value;
    }
  }
}

/** A named condition of the template: true, false, or undefined when it depends on unknown values. */
export function conditionValue(name: string, ctx: ValueContext): boolean | undefined {
  const expr = ctx.template.Conditions?.[name];
  return expr === undefined ? undefined : evaluate(expr, ctx);
}

function evaluate(expr: unknown, ctx: ValueContext): boolean | undefined {
  if (typeof expr === 'boolean') return expr;
  if (!expr || typeof expr !== 'object') return undefined;
  const [fn, arg] = Object.entries(expr as Record<string, unknown>)[0] ?? [];
  const args = Array.isArray(arg) ? arg : [];
  switch (fn) {
    case 'Condition':
      return conditionValue(String(arg), ctx);
    case 'Fn::Equals': {
      const [a, b] = args.map((x) => resolveValue(x, ctx));
      return a === undefined || b === undefined ? undefined : String(a) === String(b);
    }
    case 'Fn::Not': {
      const v = evaluate(args[0], ctx);
      return v === undefined ? undefined : !v;
    }
    case 'Fn::And': {
      const vs = args.map((x) => evaluate(x, ctx));
      return vs.includes(false) ? false : vs.includes(undefined) ? undefined : true;
    }
    case 'Fn::Or': {
      const vs = args.map((x) => evaluate(x, ctx));
      return vs.includes(true) ? true : vs.includes(undefined) ? undefined : false;
    }
    default:
      return undefined;
  }
}
