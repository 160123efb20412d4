import { register } from 'node:module';

// tap's test processes run the TypeScript sources through these hooks (typescript-hooks.mjs)
// instead of tap's TypeScript plugin, whose ts-node compiles slowly in every process (figures
// in docs/performance.md); the tap config turns the plugin's loader off (TAP_TYPE_STRIP_ONLY
// in test-env). Imported after tap's own loaders, so that their modules load before any hook.
register('./typescript-hooks.mjs', import.meta.url);
