import { spawn } from 'node:child_process';

// `npm test`: the type check and tap side by side (tap runs each test file in a process of its
// own, as many at a time as there are cores; the type check fills the gaps), then the coverage
// threshold. The type check prints only when it fails; tap prints its compact report. Exits
// non-zero when any of them fails.

const run = (command, args, output) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', output, output] });
    let text = '';
    if (output === 'pipe') for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk) => (text += chunk));
    child.on('close', (code, signal) => resolve({ ok: code === 0, text: text || `${command} ended by ${signal}` }));
  });

const bin = (name) => new URL(`../../node_modules/.bin/${name}`, import.meta.url).pathname;
const [typecheck, tap] = await Promise.all([run(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit'], 'pipe'), run(bin('tap'), [], 'inherit')]);
if (!typecheck.ok) process.stderr.write(`type check failed:\n${typecheck.text}`);
const coverage = tap.ok
  ? await run(process.execPath, [new URL('coverage-threshold.mjs', import.meta.url).pathname], 'inherit')
  : { ok: false };
console.log(typecheck.ok ? 'type check: no errors' : 'type check: FAILED');
process.exit(typecheck.ok && tap.ok && coverage.ok ? 0 : 1);
