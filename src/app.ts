import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { answerClientError, answerConnect, registerAtlasErrors, sendAtlasError, toAtlasError } from './atlas/error-handler.js';
import { PageCache } from './atlas/page-cache.js';
import { checkpointRoutes } from './atlas/routes.js';
import { BearerVerifier } from './auth/bearer-verifier.js';
import { DigestVerifier } from './auth/digest-verifier.js';
import { ApiKeys } from './auth/keys.js';
import { NonceService, NonceUsage } from './auth/nonce.js';
import { oauthRoutes } from './auth/oauth-routes.js';
import authPlugin from './auth/plugin.js';
import { RateLimiter } from './auth/rate-limit.js';
import { BearerTokens, ServiceAccounts } from './auth/service-accounts.js';
import type { Config } from './config.js';
import { FaultRules } from './control/fault-rules.js';
import { RequestJournal } from './control/journal.js';
import { controlPlane } from './control/plugin.js';
import { faultsAfterAuth, requestHooksBeforeAuth } from './control/request-hooks.js';
import { lazySchemaCompilers } from './lazy-schema-compilers.js';
import type { FixtureDocument } from './seed/fixture-document.js';
import { DEFAULT_FIXTURE, readFixtures } from './seed/load-fixtures.js';
import { CheckpointStore } from './store/checkpoint-store.js';
import { openDatabase } from './store/database.js';

/** What the emulator holds besides Fastify itself; the control plane and tests reach it here. */
export interface EmulatorState {
  config: Readonly<Config>;
  store: CheckpointStore;
  keys: ApiKeys;
  accounts: ServiceAccounts;
  cache: PageCache;
  /** The documents loaded at start-up (the default dataset or the user's fixtures). */
  startupDocuments: FixtureDocument[];
  /** The latest requests (ATLAS_EMU_JOURNAL_MAX of them), for tests to assert on. */
  journal: RequestJournal;
  /** Fault rules set through the control plane. */
  faults: FaultRules;
}

declare module 'fastify' {
  interface FastifyInstance {
    emulator: EmulatorState;
  }
}

export interface BuildOptions {
  /** Where log lines go (default: stdout); tests capture them here. */
  logStream?: DestinationStream;
}

/**
 * Builds the emulator (it never listens). Throws a FixtureFileError, DatabaseOpenError or
 * ConfigError with a message fit for the user when the configuration cannot be served.
 */
export function buildApp(config: Readonly<Config>, options: BuildOptions = {}): FastifyInstance {
  const startupDocuments = readFixtures(config.fixtures ?? DEFAULT_FIXTURE);
  const store = new CheckpointStore(openDatabase(config.db), config.seed);
  // An existing database is served as it is; a new or empty one is seeded.
  if (store.isEmpty()) store.load(startupDocuments, 'replace');

  // The configured default credentials, plus those the loaded fixtures declare (kept in sync).
  const keys = new ApiKeys({ publicKey: config.publicKey, privateKey: config.privateKey, projects: '*' });
  const accounts = new ServiceAccounts({ clientId: config.clientId, clientSecret: config.clientSecret, projects: '*' });
  const syncCredentials = () => {
    keys.replaceDeclared(store.credentials.apiKeys());
    accounts.replaceDeclared(store.credentials.serviceAccounts());
  };
  syncCredentials();
  store.onChange(syncCredentials);
  const cache = new PageCache();
  store.onChange(() => cache.clear());

  const app = Fastify({
    logger: { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'], stream: options.logStream },
    // No per-request log lines: they would cost more than a cached page. The journal and
    // the auth-failure lines say what happened.
    logController: new LogController({ disableRequestLogging: true }),
    schemaController: { compilersFactory: lazySchemaCompilers },
    routerOptions: { maxParamLength: 1000 },
    // Limits on what a client may send or hold (README "Limits and reliability"). The header
    // limit covers the request line, so it bounds the URL too.
    http: { maxHeaderSize: 16_384, headersTimeout: 10_000, connectionsCheckingInterval: 1_000 },
    requestTimeout: 30_000,
    keepAliveTimeout: 72_000,
    // While closing, requests already on open connections are still answered (Connection: close),
    // instead of Fastify's own 503 body.
    return503OnClosing: false,
    // Malformed URLs (routing) and malformed HTTP (the parser) leave in Atlas's error shape too.
    frameworkErrors: (error, request, reply) => sendAtlasError(reply, toAtlasError(error, request)),
    clientErrorHandler: answerClientError,
  });
  app.server.on('connect', answerConnect);
  const journal = new RequestJournal(config.journalMax);
  const faults = new FaultRules(config.seed);
  app.decorate('emulator', { config, store, keys, accounts, cache, startupDocuments, journal, faults });
  app.addHook('onClose', async () => store.close());
  // A request under way when closing starts is answered with Connection: close, so its
  // keep-alive connection does not hold the shutdown up until the keep-alive timeout.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  // 1. Errors: every failure, from any stage below, leaves in Atlas's shape.
  registerAtlasErrors(app);
  // 2. Control plane and health, outside Atlas auth; the request journal and the fault rules
  //    that apply to every request, before auth (challenges included).
  app.register(controlPlane, { prefix: '/_emulator' });
  app.register(requestHooksBeforeAuth, { journal, faults });
  // 3. Authentication before routing and validation, as Atlas does.
  const digest = new DigestVerifier(keys, new NonceService(config.nonceSecret, config.nonceTtlSeconds * 1000), new NonceUsage());
  const tokens = new BearerTokens(config.tokenTtlSeconds * 1000);
  const bearer = new BearerVerifier(accounts, tokens);
  const rateLimiter = config.rateLimit && new RateLimiter(config.rateLimit);
  app.register(authPlugin, { digest, bearer, rateLimiter });
  app.register(oauthRoutes, { prefix: '/api/oauth', accounts, tokens });
  // 3b. Fault rules for authenticated API requests.
  app.register(faultsAfterAuth, { journal, faults });
  // 4. The emulated API under both version prefixes.
  for (const version of ['v1.0', 'v2'] as const) {
    app.register(checkpointRoutes, { prefix: `/api/atlas/${version}`, version, store, cache, publicUrl: config.publicUrl });
  }
  return app;
}
