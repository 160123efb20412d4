import type { Json } from './render.js';

const BEFORE_LINKS = ['clusterId', 'completed', 'groupId', 'id'];
const AFTER_LINKS = ['parts', 'restorable', 'started', 'timestamp'];

/** A stored checkpoint (JSON without links) as Atlas shows it: keys alphabetical, links in place. */
export function checkpointView(stored: string, linksFor: (id: string) => Json): { [key: string]: Json } {
  const checkpoint = JSON.parse(stored) as { [key: string]: Json };
  const view: { [key: string]: Json } = {};
  for (const key of BEFORE_LINKS) if (key in checkpoint) view[key] = checkpoint[key]!;
  view.links = linksFor(checkpoint.id as string);
  for (const key of AFTER_LINKS) if (key in checkpoint) view[key] = checkpoint[key]!;
  return view;
}
