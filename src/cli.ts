#!/usr/bin/env node
import module from 'node:module';

// The process entry (the bin, `npm start`, the Docker image). First V8's compile cache, on
// the Node versions that have it (22.1+): the emulator's code is then compiled once, not at
// every start. Then the command itself (src/command.ts).

(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const { main } = await import('./command.js');
await main(process.argv.slice(2), process.env);
