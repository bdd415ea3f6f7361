/** XREAD is exclusive: start just before this millisecond, or an event written in it (id <ms>-0) is skipped. */
export function cursorBefore(ms: number): string {
  return `${ms - 1}-18446744073709551615`;
}

/** Orders stream ids `<ms>-<seq>` numerically (the sequence may exceed 2^53). */
export function compareStreamIds(a: string, b: string): number {
  const [aMs = '0', aSeq = '0'] = a.split('-');
  const [bMs = '0', bSeq = '0'] = b.split('-');
  const byMs = compareDigits(aMs, bMs);
  return byMs !== 0 ? byMs : compareDigits(aSeq, bSeq);
}

function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
