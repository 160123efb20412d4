import type { Json } from '../model/json.js';

/**
 * An entity as Atlas shows it: its fields (stored JSON or an object, in Atlas's alphabetical
 * order, without links) with `links` put in its alphabetical place.
 */
export function withLinks(entity: string | Record<string, Json>, links: Json): Record<string, Json> {
  const fields = typeof entity === 'string' ? (JSON.parse(entity) as Record<string, Json>) : entity;
  const view: Record<string, Json> = {};
  let placed = false;
  for (const [key, value] of Object.entries(fields)) {
    if (!placed && key > 'links') {
      view.links = links;
      placed = true;
    }
    view[key] = value;
  }
  if (!placed) view.links = links;
  return view;
}
