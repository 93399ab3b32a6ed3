/** Removes `source` from every node, for comparing models loaded from differently shaped documents. */
export function stripSource<T>(value: T): T {
  if (Array.isArray(value)) return value.map(stripSource) as T;
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (key !== 'source') copy[key] = stripSource(item);
    return copy as T;
  }
  return value;
}
