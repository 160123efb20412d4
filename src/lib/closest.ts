// The name nearest a mistyped one, to suggest in a refusal ("did you mean --port?"): fewest
// edits (Levenshtein distance, ignoring case), the first of equals.

/** Insertions, deletions and substitutions that turn `a` into `b`. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]!;
}

/** The candidate closest to `name` (candidates: at least one). */
export function closest(name: string, candidates: readonly string[]): string {
  const scored = candidates.map((candidate) => ({ candidate, edits: distance(name.toLowerCase(), candidate.toLowerCase()) }));
  return scored.reduce((best, next) => (next.edits < best.edits ? next : best)).candidate;
}
