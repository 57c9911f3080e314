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

/** `positions` put in the order of their ids (`idAt`), and those ids in it: bisect `sorted`, read `order`. */
export function orderById(positions: Uint32Array, idAt: (position: number) => number): { order: Uint32Array; sorted: Float64Array } {
  const order = positions.sort((a, b) => idAt(a) - idAt(b));
  return { order, sorted: Float64Array.from(order, idAt) };
}
