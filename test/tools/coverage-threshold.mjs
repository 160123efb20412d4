import { readFileSync } from 'node:fs';

// tap's coverage either passes at 100% or not at all; the fast tier holds src/ to a threshold
// instead: less than this share of lines covered fails `npm test`.
const MIN_LINES = 90;

const summary = JSON.parse(readFileSync(new URL('../../.tap/report/coverage-summary.json', import.meta.url), 'utf8'));
const { pct, covered, total } = summary.total.lines;
if (!(pct >= MIN_LINES)) {
  console.error(`coverage: ${pct}% of lines in src/ (${covered} of ${total}); the threshold is ${MIN_LINES}%`);
  process.exit(1);
}
console.log(`coverage: ${pct}% of lines in src/ (${covered} of ${total}), threshold ${MIN_LINES}%`);
