/**
 * Keys held as 32-bit hashes instead of strings: a million lessons build no million key
 * strings, and a Map keyed by small integers costs a fraction of one keyed by text
 * (planning 1,000,000 lessons: 4.5 s of string keys and their garbage). Equal keys hash
 * equal; items whose hashes collide are told apart by comparing the keys themselves.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function mixNumber(hash: number, value: number): number {
  // the low and the high 32 bits: ids are int8, exact up to 2^53
  hash = Math.imul(hash ^ (value % 0x100000000), FNV_PRIME);
  return Math.imul(hash ^ Math.floor(value / 0x100000000), FNV_PRIME);
}

export function mixText(hash: number, text: string | null): number {
  if (text === null) return Math.imul(hash ^ 0x1ffff, FNV_PRIME);
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  // the length ends the text: ("ab", "c") and ("a", "bc") differ
  return Math.imul(hash ^ (0x10000 + text.length), FNV_PRIME);
}

/** A hash begun with a number (a student id), to be extended by the mix functions. */
export function hashStart(id: number): number {
  return mixNumber(FNV_OFFSET, id);
}

/**
 * The counted items (positions in `hashes`) whose hash another counted item shares,
 * grouped by it: only they can share a key. Found by sorting a copy of the hashes natively
 * (they are usually few), without a map of every item.
 */
export function groupShared(hashes: Int32Array, counted: (i: number) => boolean): HashGroups<number> {
  const sorted = hashes.filter((_, i) => counted(i)).sort();
  const shared = new Set<number>();
  for (let n = 1; n < sorted.length; n++) if (sorted[n] === sorted[n - 1]) shared.add(sorted[n]!);
  const groups = new HashGroups<number>();
  for (let i = 0; i < hashes.length; i++) if (counted(i) && shared.has(hashes[i]!)) groups.add(hashes[i]!, i);
  return groups;
}

/** Items grouped under their keys' hashes; an item must not be an array. */
export class HashGroups<T> {
  private readonly byHash = new Map<number, T | T[]>();

  add(hash: number, item: T): void {
    const held = this.byHash.get(hash);
    if (held === undefined) this.byHash.set(hash, item);
    else if (Array.isArray(held)) held.push(item);
    else this.byHash.set(hash, [held, item]);
  }

  /** The items added under `hash` whose key is the one sought (`same`), in the order added. */
  find(hash: number, same: (item: T) => boolean): T[] {
    const held = this.byHash.get(hash);
    if (held === undefined) return [];
    if (!Array.isArray(held)) return same(held) ? [held] : [];
    return held.filter(same);
  }
}
