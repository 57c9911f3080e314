/** A count with its word in the form the language's plural rules want (1 lesson, 2 урока, 5 уроков). */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

export function plurals(locale: string): (count: number, forms: PluralForms) => string {
  const rules = new Intl.PluralRules(locale);
  return (count, forms) => forms[rules.select(count)] ?? forms.other;
}
