/** US dollars as every screen shows them, to the millionth; "—" when not known. */
export const money = (usd: number | null | undefined): string =>
  usd === null || usd === undefined ? "—" : `$${usd.toFixed(6)}`;
