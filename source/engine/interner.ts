/** Small repeated strings (assignment types, statuses, a student's name) kept once. */
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
