/**
 * Values made once for each key, up to `limit` keys: what a long log or report shows again
 * and again (a student's texts, a day) is made once, and when nothing repeats (a million
 * students) a million values are not held besides the lessons.
 */
export class BoundedMemo<K, V> {
  private readonly values = new Map<K, V>();

  constructor(private readonly limit = 50_000) {}

  get(key: K, make: (key: K) => V): V {
    let value = this.values.get(key);
    if (value === undefined) {
      value = make(key);
      if (this.values.size < this.limit) this.values.set(key, value);
    }
    return value;
  }
}
