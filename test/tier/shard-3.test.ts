import { runShard } from './shard.js';

await runShard(2, 4);
