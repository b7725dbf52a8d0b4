/**
 * The deployment graph: one node per (stack, role), edges from `output` references in the catalog
 * and from `artifact` values (to the artifacts stack of the same region).
 */
import { UserError } from '../errors';
import { ARTIFACTS_STACK, sourceFor, valueSources, type Catalog, type Role } from './catalog';

export interface StackNode {
  /** `stack@role`, e.g. `data@secondary`. */
  id: string;
  stack: string;
  role: Role;
  /** Ids of the nodes whose outputs this node needs. */
  dependsOn: string[];
}

export const nodeId = (stack: string, role: Role) => `${stack}@${role}`;

export interface Graph {
  nodes: Map<string, StackNode>;
  /** Node ids in a dependency-respecting order (stable: catalog order, then role). */
  order: string[];
}

export function buildGraph(catalog: Catalog): Graph {
  const nodes = new Map<string, StackNode>();
  for (const [stack, spec] of Object.entries(catalog.stacks)) {
    for (const role of spec.regions) {
      const deps = new Set<string>();
      for (const [where, value] of valueSources(spec)) {
        const src = sourceFor(value, role);
        if (src && typeof src === 'object' && 'output' in src) {
          const producer = src.output.split('.')[0]!;
          if (producer === stack && (src.from ?? role) === role) {
            // A hook runs after its own stack deployed, so it may read the stack's own outputs.
            if (where.startsWith('after.')) continue;
            throw new UserError(`stack "${stack}" (${role}) takes a parameter from its own output ${src.output}`);
          }
          deps.add(nodeId(producer, src.from ?? role));
        }
        // An artifact is uploaded to the artifacts bucket of the consumer's own region.
        if (src && typeof src === 'object' && 'artifact' in src && stack !== ARTIFACTS_STACK) deps.add(nodeId(ARTIFACTS_STACK, role));
      }
      nodes.set(nodeId(stack, role), { id: nodeId(stack, role), stack, role, dependsOn: [...deps] });
    }
  }
  return { nodes, order: topologicalOrder(nodes) };
}

function topologicalOrder(nodes: Map<string, StackNode>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]) => {
    const s = state.get(id);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...path.slice(path.indexOf(id)), id];
      throw new UserError(`dependency cycle between stacks: ${cycle.join(' → ')}`, 'break it by removing one of the output references in the catalog');
    }
    state.set(id, 'visiting');
    for (const dep of nodes.get(id)!.dependsOn) visit(dep, [...path, id]);
    state.set(id, 'done');
    order.push(id);
  };
  for (const id of nodes.keys()) visit(id, []);
  return order;
}

/** The nodes of the named stacks and everything they need (for `--stack NAME`). */
export function selectWithDependencies(graph: Graph, stacks: string[], catalog: Catalog): Set<string> {
  const known = Object.keys(catalog.stacks);
  for (const name of stacks) {
    if (!known.includes(name)) throw new UserError(`unknown stack "${name}" (known: ${known.join(', ')})`);
  }
  const selected = new Set<string>();
  const add = (id: string) => {
    if (selected.has(id)) return;
    selected.add(id);
    for (const dep of graph.nodes.get(id)!.dependsOn) add(dep);
  };
  for (const node of graph.nodes.values()) if (stacks.includes(node.stack)) add(node.id);
  return selected;
}

/** Nodes grouped in waves: wave n holds the nodes whose longest dependency chain has n links. */
export function waves(graph: Graph, selected: Set<string> = new Set(graph.nodes.keys())): string[][] {
  const depth = new Map<string, number>();
  for (const id of graph.order) {
    if (!selected.has(id)) continue;
    const deps = graph.nodes.get(id)!.dependsOn.filter((d) => selected.has(d));
    depth.set(id, deps.length ? Math.max(...deps.map((d) => depth.get(d)!)) + 1 : 0);
  }
  const result: string[][] = [];
  for (const [id, d] of depth) (result[d] ??= []).push(id);
  return result;
}
