/** Edit distance, ignoring case: how far a typo is from the word meant. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
  }
  return d[a.length][b.length];
}

/** The nearest known key, when it is near enough to be a typo. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  const best = [...known].sort((x, y) => distance(key, x) - distance(key, y))[0];
  return best !== undefined && distance(key, best) <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}
