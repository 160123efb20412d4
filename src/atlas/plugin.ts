import type { FastifyInstance } from 'fastify';
import type { Checkpoints } from '../backup/checkpoints.js';
import type { RestoreJobs } from '../backup/restore-jobs.js';
import type { Snapshots } from '../backup/snapshots.js';
import { atlasAuthentication, type AtlasAuthOptions } from '../auth/plugin.js';
import type { Clock } from '../clock.js';
import type { FaultRules } from '../control/fault-rules.js';
import type { RequestJournal } from '../control/journal.js';
import { faultsAfterAuth } from '../control/request-hooks.js';
import type { Store } from '../store/store.js';
import { checkpointRoutes } from './checkpoint-routes.js';
import { restoreJobRoutes } from './restore-job-routes.js';
import { scheduleRoutes } from './schedule-routes.js';
import { snapshotRoutes } from './snapshot-routes.js';
import { answerNotFound } from './error-handler.js';
import { API_VERSIONS } from './links.js';
import { Operations } from './operations.js';
import type { PageCache } from './page-cache.js';

export interface AtlasApiOptions extends AtlasAuthOptions {
  store: Store;
  clock: Clock;
  checkpoints: Checkpoints;
  snapshots: Snapshots;
  restoreJobs: RestoreJobs;
  cache: PageCache;
  publicUrl: string | undefined;
  journal: RequestJournal;
  faults: FaultRules;
  /** Receives each Atlas operation as it is registered ("GET /api/atlas/v2/..."). */
  onOperation: (operation: string) => void;
}

/**
 * The emulated Atlas API: every route registered here, and its not-found handler (any path
 * outside the control plane and the OAuth endpoints), is behind Atlas authentication, then
 * the fault rules for authenticated requests.
 */
export async function atlasApi(app: FastifyInstance, options: AtlasApiOptions): Promise<void> {
  await atlasAuthentication(app, options);
  faultsAfterAuth(app, options);
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat().filter((method) => method !== 'HEAD');
    // The 405 routes of a resource answer every other method; they are no operation.
    if (route.config?.apiVersion && methods.length === 1) options.onOperation(`${methods[0]} ${route.url}`);
  });
  // Request bodies: JSON, under v2's versioned media type too.
  app.addContentTypeParser(/^application\/vnd\.atlas\.\d{4}-\d{2}-\d{2}\+json(?:;|$)/, { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
  const { store } = options;
  for (const version of API_VERSIONS) {
    app.register(
      async (api) => {
        const operations = new Operations(version, store, options.cache, options.publicUrl, options.clock);
        checkpointRoutes(api, options.checkpoints, operations);
        scheduleRoutes(api, store, operations);
        snapshotRoutes(api, store, options.snapshots, operations);
        restoreJobRoutes(api, store, options.restoreJobs, operations);
      },
      { prefix: `/api/atlas/${version}` },
    );
  }
  app.setNotFoundHandler(answerNotFound);
}
