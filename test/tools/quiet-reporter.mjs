import { Transform } from 'node:stream';

// The fast tier's tap reporter: a passing test file prints nothing, a failing one prints in
// full (its TAP, diagnostics and diffs included), and the run ends with one summary line.
// tap pipes the raw TAP of the whole run through this stream.

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
    this.push(`tap: ${ok + failed.length} test files, ${ok} passed, ${failed.length} failed${failed.length ? `: ${failed.join(', ')}` : ''}\n`);
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
        this.push(`${[...this.#held, line].join('\n')}\n`);
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
