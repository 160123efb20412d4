import { loadFixtures, objectSource } from '../../src/fixtures/fixture-loader.js';
import { openDatabase } from '../../src/store/database.js';
import { Store } from '../../src/store/store.js';
import { bigClusterFixture } from './big-cluster.js';

// Scenario 6, in its own process: the time to seed N generated checkpoints into a fresh
// in-memory store (generation, JSON, inserts, one transaction). Prints one JSON line:
// wall and CPU time in ms, and the number of checkpoints stored.

const count = Number(process.argv[2]);
const store = new Store(openDatabase(':memory:'));
const started = performance.now();
const cpuBefore = process.cpuUsage();
const counts = loadFixtures(store, [objectSource(bigClusterFixture(count))], 'replace', 1, Date.now());
const cpu = process.cpuUsage(cpuBefore);
const ms = performance.now() - started;
// CPU time too: on a shared machine the wall time also counts other processes' turns.
const cpuMs = (cpu.user + cpu.system) / 1000;
process.stdout.write(`${JSON.stringify({ ms, cpuMs, checkpoints: counts.checkpoints })}\n`);
store.close();
