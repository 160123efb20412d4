import type { FastifyInstance } from 'fastify';
import { atlasReadRoutes } from './atlas-reads.js';
import { authFailureRoutes } from './auth-failures.js';
import { overviewRoutes } from './overview.js';
import { pageRoutes } from './page.js';
import { timelineRoutes } from './timeline.js';

/** The inspector (docs/inspector.md): its page, and the read-only routes it reads besides the rest of the control plane. */
export async function inspector(app: FastifyInstance): Promise<void> {
  app.register(pageRoutes);
  app.register(overviewRoutes);
  app.register(authFailureRoutes);
  app.register(atlasReadRoutes);
  app.register(timelineRoutes);
}
