import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { DestinationStream } from 'pino';
import { answerClientError, answerConnect, decorateRefusal, sendAtlasError, toAtlasError } from './http/error-handler.js';
import { PageCache } from './http/page-cache.js';
import { RouteTable } from './http/route-table.js';
import { ATLAS_ROUTER_OPTIONS, atlasPipeline } from './atlas/pipeline.js';
import { BearerTokens } from './auth/bearer-tokens.js';
import { BearerVerifier } from './auth/bearer-verifier.js';
import { Credentials } from './auth/credentials.js';
import { DigestVerifier } from './auth/digest-verifier.js';
import { NonceService, NonceUsage } from './auth/nonce.js';
import { RateLimiter } from './auth/rate-limit.js';
import { Checkpoints } from './backup/checkpoints.js';
import { RestoreJobs } from './backup/restore-jobs.js';
import { Snapshots } from './backup/snapshots.js';
import { EmulatorClock } from './lib/clock.js';
import { FaultRules } from './http/fault-rules.js';
import { RequestJournal } from './http/journal.js';
import { controlPlane } from './control/plugin.js';
import { inspector } from './inspector/plugin.js';
import { browserHome, PAGE_ROUTE } from './inspector/page.js';
import { parseRateLimit, type Config } from './model/options.js';
import { schemaCompilers } from './http/schema-compilers.js';
import { DEFAULT_FIXTURE, FixtureFileError, fixtureFiles } from './fixtures/fixture-files.js';
import { loadFixtures } from './fixtures/fixture-loader.js';
import { FixtureError } from './fixtures/fixture-mistakes.js';
import { openDatabase } from './store/database.js';
import { Store } from './store/store.js';

const CONTROL_PREFIX = '/_emulator';
/** Where the inspector page is served. */
export const INSPECTOR_PAGE = `${CONTROL_PREFIX}${PAGE_ROUTE}`;

export interface BuildOptions {
  /** Where log lines go (default: stdout); tests capture them here. */
  logStream?: DestinationStream;
  /** The emulator clock (default: as ATLAS_EMU_CLOCK says). */
  clock?: EmulatorClock;
}

/**
 * Builds the emulator (it never listens) from a resolved configuration (resolveConfig()).
 * Throws a FixtureFileError or DatabaseOpenError with a message fit for the user when the
 * configuration cannot be served.
 */

export function buildApp(config: Config, options: BuildOptions = {}): FastifyInstance {
  const clock = options.clock ?? new EmulatorClock(config.clock === 'system' ? undefined : Date.parse(config.clock));
  const startupSources = config.fixtures === undefined ? fixtureFiles(DEFAULT_FIXTURE) : fixtureFiles(config.fixtures);
  const store = new Store(openDatabase(config.db));
  // An existing database is served as it is; a new or empty one is seeded.
  if (store.isEmpty()) {
    try {
      loadFixtures(store, startupSources, 'replace', config.seed, clock.now());
    } catch (err) {
      store.close();
      if (err instanceof FixtureError) throw new FixtureFileError(`fixture ${err.source}: ${err.message}`);
      throw err;
    }
  }
  const credentials = new Credentials(store.credentials, config);
  const cache = new PageCache();
  store.onChange(() => {
    credentials.clear();
    cache.clear();
  });
  // Cached pages hold until the clock reaches their end; a reset takes the clock back.
  clock.onReset(() => cache.clear());
  const checkpoints = new Checkpoints(store, config.seed);
  const snapshots = new Snapshots(store, config.seed);
  const restoreJobs = new RestoreJobs(store, checkpoints, snapshots, config.seed);

  const app = Fastify({
    logger: { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'], stream: options.logStream },
    // No per-request log lines: they would cost more than a cached page. The journal and
    // the auth-failure lines say what happened.
    logController: new LogController({ disableRequestLogging: true }),
    // Nor a child logger per request: request.log is the app's logger, and the few lines
    // logged about one request name its reqId themselves.
    childLoggerFactory: (logger) => logger,
    schemaController: { compilersFactory: schemaCompilers },
    routerOptions: ATLAS_ROUTER_OPTIONS,
    // The plugins are the emulator's own and none waits on I/O: no timer per plugin at start.
    pluginTimeout: 0,
    // Limits on what a client may send or hold (docs/reliability.md). The header limit covers
    // the request line, so it bounds the URL too.
    http: {
      maxHeaderSize: 16_384,
      headersTimeout: config.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, config.headersTimeoutMs),
    },
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    // While closing, requests already on open connections are still answered (Connection: close),
    // instead of Fastify's own 503 body.
    return503OnClosing: false,
    // Malformed URLs (routing) and malformed HTTP (the parser) leave in Atlas's error shape too.
    frameworkErrors: (error, request, reply) => sendAtlasError(reply, toAtlasError(error, request)),
    clientErrorHandler: answerClientError,
  });
  app.server.on('connect', answerConnect);
  // Every context answers errors with sendAtlasError, which says why in request.refusal.
  decorateRefusal(app);
  const now = () => clock.now();
  const journal = new RequestJournal(config.journalMax, clock);
  const tokens = new BearerTokens(config.tokenTtlSeconds * 1000, now);
  const faults = new FaultRules(config.seed);
  const digest = new DigestVerifier(
    credentials,
    new NonceService(config.nonceSecret, config.nonceTtlSeconds * 1000, now),
    new NonceUsage(),
    config.strictDigestUri,
  );
  // The one recorder of the routes, before any is registered.
  const routes = new RouteTable(app);
  app.decorate('emulator', {
    config,
    clock,
    store,
    checkpoints,
    snapshots,
    restoreJobs,
    credentials,
    cache,
    startupSources,
    journal,
    faults,
    routes,
  });
  app.addHook('onClose', async () => store.close());
  closeConnectionsWhenDone(app);

  // The control plane: the emulator's own API, outside Atlas auth, the journal and the faults.
  app.register(controlPlane, { prefix: CONTROL_PREFIX, extensions: [inspector] });
  // A browser at / is sent to the inspector, outside the journal and the faults like it.
  app.register(browserHome, { page: INSPECTOR_PAGE });
  // Everything else: the emulated Atlas, its order of steps written in atlas/pipeline.ts.
  app.register(atlasPipeline, {
    store,
    clock,
    checkpoints,
    snapshots,
    restoreJobs,
    cache,
    publicUrl: config.publicUrl,
    journal,
    faults,
    digest,
    bearer: new BearerVerifier(credentials, tokens),
    rateLimiter: config.rateLimit === undefined ? undefined : new RateLimiter(parseRateLimit(config.rateLimit), now),
    credentials,
    tokens,
  });
  return app;
}

/**
 * A response under way when closing starts goes out with Connection: close, so that its
 * keep-alive connection does not hold the shutdown up until the keep-alive timeout (requests
 * that arrive while closing get it from Fastify). The open connections are known per
 * connection, not per request: at close, each one's response not yet begun is marked.
 */
function closeConnectionsWhenDone(app: FastifyInstance): void {
  const open = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  app.addHook('preClose', (done) => {
    for (const socket of open) {
      // Node's response in progress on the connection (_httpMessage, as Node names it).
      const response = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
      if (response && !response.headersSent) response.setHeader('connection', 'close');
    }
    done();
  });
}
