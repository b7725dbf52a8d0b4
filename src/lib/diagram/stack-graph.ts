/**
 * The stack graph as a diagram: one box per stack instance in its region's panel, listing what it
 * creates, and one arrow per producer → consumer, labelled with the outputs it carries (dashed when
 * the value crosses regions, which the CLI passes as a parameter since exports are region-local).
 */
import type { Role } from '../stacks/catalog';
import type { DiagramGraph } from './layout';
import type { DiagramModel } from './model';
import { ROLE_COLOURS, roleTitle } from './request-path';

export function stackGraph(model: DiagramModel, regions: Partial<Record<Role, string>> = {}): DiagramGraph {
  return {
    title: 'cafe-ops: the stacks and the values they pass',
    subtitle: 'Generated from templates/stacks.yaml and templates/*.yaml by `cafe-ops diagram`. Arrows: outputs read as parameters, producer → consumer (dashed: across regions).',
    direction: 'DOWN',
    // Regions are colours, not panels: a panel per region would send every cross-region arrow around the outside.
    legend: [...model.roles.map((role) => ({ colour: ROLE_COLOURS[role], text: roleTitle(role, regions) })), { colour: '#59606b', text: 'value passed across regions', dashed: true }],
    groups: [],
    nodes: model.boxes.map((box) => ({ id: box.id, title: `${box.stack} · ${box.role}`, lines: [box.description, ...box.resources.map((r) => `• ${r}`)].filter(Boolean), colour: ROLE_COLOURS[box.role] })),
    links: model.edges.map((edge) => ({ id: `${edge.from}->${edge.to}`, from: edge.from, to: edge.to, label: edge.outputs, dashed: edge.crossRegion })),
  };
}
