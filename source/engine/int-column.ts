/**
 * A column of integers that grows in fixed chunks, each as narrow as its values allow:
 * bytes for small codes, 4 bytes for ids below 2^32, 8 only in a chunk that needs them.
 * Growing never copies what is there (a doubling array of a million lessons' tasks held
 * its old and new copies at once: 150 MB more at the peak).
 */
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const LAST = CHUNK - 1;

type Chunk = Uint8Array | Uint32Array | Float64Array;

function narrowest(value: number): 0 | 1 | 2 {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) return 2;
  return value <= 0xff ? 0 : 1;
}

const WIDTHS = [Uint8Array, Uint32Array, Float64Array] as const;
const widthOf = (chunk: Chunk): number => (chunk instanceof Uint8Array ? 0 : chunk instanceof Uint32Array ? 1 : 2);

export class IntColumn {
  private readonly chunks: Chunk[] = [];
  length = 0;

  push(value: number): void {
    const index = this.length & LAST;
    if (index === 0) this.chunks.push(new Uint8Array(CHUNK));
    let chunk = this.chunks[this.chunks.length - 1]!;
    const needed = narrowest(value);
    if (needed > widthOf(chunk)) {
      const wider = new WIDTHS[needed](CHUNK);
      wider.set(chunk);
      this.chunks[this.chunks.length - 1] = chunk = wider;
    }
    chunk[index] = value;
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
    this.chunks[last] = this.chunks[last]!.slice(0, used);
  }
}
