/** Repeated strings kept once: a student's platform_id and name, read back a million times from a plan file. */
export function interner() {
  const seen = new Map<string, string>();
  return (value: string | null): string | null => {
    if (value === null) return null;
    const known = seen.get(value);
    if (known !== undefined) return known;
    seen.set(value, value);
    return value;
  };
}
