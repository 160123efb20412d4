// Body rendering as Atlas (a Jackson server) writes it: compact JSON by default, and with
// pretty=true Jackson's DefaultPrettyPrinter: two-space indent per object level,
// `"key" : value`, arrays inline (`[ {` ... `} ]`, `[ ]`), no trailing newline.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function prettyJson(value: Json, depth = 0): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[ ]';
    return `[ ${value.map((item) => prettyJson(item, depth)).join(', ')} ]`;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return '{ }';
  const inner = '  '.repeat(depth + 1);
  const entries = keys.map((key) => `${inner}${JSON.stringify(key)} : ${prettyJson(value[key] as Json, depth + 1)}`);
  return `{\n${entries.join(',\n')}\n${'  '.repeat(depth)}}`;
}

/** The value with every object's keys in alphabetical order, as Atlas writes its entities. */
export function sortedKeys(value: Json): Json {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(sortedKeys);
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortedKeys(value[key]!)]),
  );
}

export function renderJson(value: Json, pretty: boolean): string {
  return pretty ? prettyJson(value) : JSON.stringify(value);
}
