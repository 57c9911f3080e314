/** Lookups in a sorted array of ids by bisection: what a map of a million ids costs 40–60 MB for. */

/** Where `id` is in `sorted` (ascending), or -1. */
export function positionOf(sorted: Float64Array, id: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < id) low = middle + 1;
    else high = middle;
  }
  return sorted[low] === id ? low : -1;
}

/** `ids` sorted, each once. */
export function sortedUnique(ids: readonly number[]): Float64Array {
  const sorted = Float64Array.from(ids).sort();
  let kept = 0;
  for (let k = 0; k < sorted.length; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) sorted[kept++] = sorted[k]!;
  return sorted.subarray(0, kept);
}

/** Which ids are among these, by bisection: a million of them in a Set held ~40 MB. */
export class SortedIds {
  private readonly sorted: Float64Array;

  /** `ids`: sorted in place and kept */
  constructor(ids: Float64Array) {
    this.sorted = ids.sort();
  }

  has(id: number): boolean {
    return positionOf(this.sorted, id) >= 0;
  }
}

/** Positions (rows, indexes) found by their ids: the positions sorted by id, bisected. */
export class IdIndex {
  /** the ids, ascending */
  readonly sorted: Float64Array;
  /** the positions, in the order of their ids */
  private readonly order: Uint32Array;

  constructor(positions: Uint32Array, idAt: (position: number) => number) {
    this.order = positions.sort((a, b) => idAt(a) - idAt(b));
    this.sorted = Float64Array.from(this.order, idAt);
  }

  /** The position holding `id` (one of them, if several do), or undefined. */
  positionOf(id: number): number | undefined {
    const at = positionOf(this.sorted, id);
    return at < 0 ? undefined : this.order[at];
  }

  /** An id two positions hold, with the later of them; undefined when each id is held once. */
  repeated(): { id: number; position: number } | undefined {
    for (let k = 1; k < this.sorted.length; k++) {
      if (this.sorted[k] === this.sorted[k - 1]) return { id: this.sorted[k]!, position: Math.max(this.order[k]!, this.order[k - 1]!) };
    }
    return undefined;
  }
}
