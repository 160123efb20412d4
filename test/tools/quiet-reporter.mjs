import { Transform } from 'node:stream';

// The fast tier's tap reporter: a passing test file prints nothing; a failing one prints its
// name, the tests that failed (with the names of the tests around them) and their diagnostics
// (the assertion, expected and actual values, the source line), and how its process ended.
// The run ends with one summary line. tap pipes the raw TAP of the whole run through this stream.

const RESULT = /^(\s*)(not )?ok \d+ - /;

/** The lines of a failing file's TAP that say what failed: passing tests and plans left out. */
function failures(lines) {
  const kept = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const subtest = /^(\s*)# Subtest: /.exec(line);
    if (subtest) {
      // A subtest's header is kept when the subtest failed: its result is the next result line
      // at the header's indentation.
      const result = lines.slice(i + 1).find((next) => RESULT.exec(next)?.[1] === subtest[1]);
      if (result === undefined || RESULT.exec(result)[2]) kept.push(line);
      continue;
    }
    const result = RESULT.exec(line);
    if (!result?.[2]) continue;
    kept.push(line);
    // Its diagnostics: the YAML block indented below it.
    while (lines[i + 1]?.startsWith(`${result[1]}  `)) kept.push(lines[++i]);
  }
  return kept;
}

export default class QuietReporter extends Transform {
  #partial = '';
  #held = [];
  #printing = false;
  #files = { ok: 0, failed: [] };

  _transform(chunk, _encoding, done) {
    const lines = (this.#partial + chunk.toString('utf8')).split('\n');
    this.#partial = lines.pop();
    for (const line of lines) this.#line(line);
    done();
  }

  _flush(done) {
    if (this.#partial) this.#line(this.#partial);
    const { ok, failed } = this.#files;
    this.push(
      `tap: ${ok + failed.length} test files, ${ok} passed, ${failed.length} failed${failed.length ? `: ${failed.join(', ')}` : ''}\n`,
    );
    done();
  }

  #line(line) {
    // A top-level line: a file starts, ends, or the run's plan and totals.
    if (!/^\s/.test(line)) {
      const subtest = /^# Subtest: (.*)$/.exec(line);
      const end = /^(not )?ok \d+ - (\S+)/.exec(line);
      if (subtest) {
        this.#held = [line];
        this.#printing = false;
        return;
      }
      if (end && !end[1]) {
        this.#files.ok++;
        this.#held = [];
        return;
      }
      if (end) {
        this.#files.failed.push(end[2]);
        this.push(`${[this.#held[0], ...failures(this.#held.slice(1)), line].join('\n')}\n`);
        this.#held = [];
        this.#printing = true;
        return;
      }
      if (line.startsWith('# {') || line.startsWith('# time=')) this.push(`${line}\n`);
      return;
    }
    if (this.#printing) this.push(`${line}\n`);
    else this.#held.push(line);
  }
}
