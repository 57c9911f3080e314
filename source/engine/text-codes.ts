/** Texts that repeat, each kept once, referred to by number. */
export class TextCodes {
  readonly texts: (string | null)[] = [];
  private readonly codes = new Map<string | null, number>();

  code(text: string | null): number {
    let code = this.codes.get(text);
    if (code === undefined) {
      code = this.texts.length;
      this.texts.push(text);
      this.codes.set(text, code);
    }
    return code;
  }
}
