/**
 * A column of integers that grows in fixed chunks, each as narrow as its values allow:
 * bytes for small codes, 4 bytes for ids below 2^32, 8 only in a chunk that needs them.
 * Growing never copies what is there (a doubling array of a million lessons' tasks held
 * its old and new copies at once: 150 MB more at the peak).
 */
/** Columns grow in chunks of 2^CHUNK_BITS; item i is item i & LAST of chunk i >>> CHUNK_BITS. */
export const CHUNK_BITS = 16;
export const CHUNK = 1 << CHUNK_BITS;
export const LAST = CHUNK - 1;

type Chunk = Uint8Array | Uint32Array | Float64Array;

/** 0: bytes, 1: 4 bytes, 2: 8 */
function narrowest(value: number): 0 | 1 | 2 {
  if (value >>> 0 !== value) return 2; // not an integer in [0, 2^32)
  return value <= 0xff ? 0 : 1;
}

const WIDTHS = [Uint8Array, Uint32Array, Float64Array] as const;

export class IntColumn {
  private readonly chunks: Chunk[] = [];
  private current: Chunk = new Uint8Array(0);
  private width = 0;
  length = 0;

  push(value: number): void {
    const index = this.length & LAST;
    if (index === 0) {
      this.current = new Uint8Array(CHUNK);
      this.width = 0;
      this.chunks.push(this.current);
    }
    if (this.width < 2) {
      const needed = narrowest(value);
      if (needed > this.width) {
        const wider = new WIDTHS[needed](CHUNK);
        wider.set(this.current);
        this.current = wider;
        this.width = needed;
        this.chunks[this.chunks.length - 1] = wider;
      }
    }
    this.current[index] = value;
    this.length++;
  }

  at(index: number): number {
    return this.chunks[index >>> CHUNK_BITS]![index & LAST]!;
  }

  /** Done growing: the last chunk gives back what it did not use. */
  trim(): void {
    const used = this.length & LAST;
    if (used === 0) return;
    const last = this.chunks.length - 1;
    this.chunks[last] = this.current = this.current.slice(0, used);
  }
}
