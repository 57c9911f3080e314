/**
 * Lesson id → fingerprint for ids known before the fingerprints are read: 25 bytes a
 * lesson (the id, the md5's 16 bytes, whether it came) instead of a map of 32-character
 * strings (a million lessons' sandbox and prod fingerprints were ~150 MB of a plan save).
 */
import { positionOf, sortedUnique } from './sorted-ids.js';

const BYTES = 16;

export class FingerprintTable {
  private readonly ids: Float64Array;
  private readonly bytes: Buffer;
  private readonly present: Uint8Array;

  constructor(ids: readonly number[]) {
    this.ids = sortedUnique(ids);
    this.bytes = Buffer.alloc(this.ids.length * BYTES);
    this.present = new Uint8Array(this.ids.length);
  }

  /** The ids to read, each once. */
  wanted(): number[] {
    return Array.from(this.ids);
  }

  /** `fingerprint`: an md5 in hex, as the fingerprint query gives it; an id not asked for is ignored. Returns where it is kept, or -1. */
  set(id: number, fingerprint: string): number {
    const at = positionOf(this.ids, id);
    if (at < 0) return at;
    this.bytes.write(fingerprint, at * BYTES, BYTES, 'hex');
    this.present[at] = 1;
    return at;
  }

  get(id: number): string | undefined {
    const at = this.positionOf(id);
    return at < 0 ? undefined : this.bytes.toString('hex', at * BYTES, (at + 1) * BYTES);
  }

  /** Where the fingerprint of `id` is kept (set), or -1. */
  positionOf(id: number): number {
    const at = positionOf(this.ids, id);
    return at < 0 || !this.present[at] ? -1 : at;
  }
}
