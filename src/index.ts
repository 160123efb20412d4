// The programmatic API for test suites.
export { buildApp, type EmulatorState } from './app.js';
export { loadConfig, DEFAULT_PUBLIC_KEY, DEFAULT_PRIVATE_KEY, type Config } from './config.js';
export type { FixtureDocument } from './seed/fixture-document.js';
