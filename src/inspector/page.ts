import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { answerNotFound } from '../http/error-handler.js';
import { ErrorSchema } from '../model/control-schemas.js';

// The inspector page: three static files in the ui/ folder beside this module. Run from src/,
// that is src/inspector/ui; the build bundles every module into dist/ itself and copies
// the folder to dist/ui, so the same relative URL finds it in the package.
const UI = new URL('./ui/', import.meta.url);

const PAGE = 'index.html';
/** The page's route, under the control plane's prefix. */
export const PAGE_ROUTE = '/ui';
const TYPES: Record<string, string> = {
  [PAGE]: 'text/html; charset=utf-8',
  'inspector.css': 'text/css; charset=utf-8',
  'inspector.js': 'text/javascript; charset=utf-8',
};

// This origin only: the page works air-gapped, and markup that slipped into it could neither
// load nor send anything elsewhere.
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** A file as sent: as it is, or gzipped (a third of its size) for a browser that takes gzip. */
interface Asset {
  body: Buffer;
  etag: string;
  gzipped: Buffer;
  gzippedEtag: string;
}

/** Read and compressed on first request (nobody pays for the page who never opens it), then kept. */
const assets = new Map<string, Asset>();
function asset(name: string): Asset {
  let found = assets.get(name);
  if (!found) {
    const body = readFileSync(new URL(name, UI));
    const hash = createHash('sha256').update(body).digest('base64url').slice(0, 22);
    found = { body, etag: `"${hash}"`, gzipped: gzipSync(body, { level: 9 }), gzippedEtag: `"${hash}-gzip"` };
    assets.set(name, found);
  }
  return found;
}

/** Whether Accept-Encoding names gzip with a quality above 0. */
function takesGzip(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => {
    const [coding, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    const quality = params.find((p) => p.startsWith('q='));
    return coding === 'gzip' && (quality === undefined || Number(quality.slice(2)) > 0);
  });
}

function sendAsset(name: string, request: FastifyRequest, reply: FastifyReply): void {
  const found = asset(name);
  const gzip = takesGzip(request.headers['accept-encoding']);
  const etag = gzip ? found.gzippedEtag : found.etag;
  // Revalidated on every load, so that a newer emulator's page is never mixed with an older one's script.
  reply
    .header('cache-control', 'no-cache')
    .header('etag', etag)
    .header('vary', 'accept-encoding')
    .header('x-content-type-options', 'nosniff');
  if (name === PAGE) reply.header('content-security-policy', CSP).header('referrer-policy', 'no-referrer');
  if (request.headers['if-none-match'] === etag) return void reply.code(304).send();
  if (gzip) reply.header('content-encoding', 'gzip');
  reply.header('content-type', TYPES[name]).send(gzip ? found.gzipped : found.body);
}

const FileParamsSchema = {
  type: 'object',
  required: ['file'],
  properties: { file: { type: 'string', description: 'inspector.css or inspector.js' } },
} as const;
const SERVED = (description: string, ...types: string[]) => ({
  description,
  content: Object.fromEntries(types.map((type) => [type, { schema: { type: 'string' } }])),
});
const NOT_MODIFIED = { description: 'Not modified (If-None-Match: the ETag of the copy the browser has).', type: 'null' };

/**
 * GET /ui and its two assets: open without the admin token (the page asks for it), no data in
 * them; and the addresses a person types for it (the prefix alone, /ui/) sent to /ui.
 */
export async function pageRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<JsonSchemaToTsProvider>();
  const open = { config: { adminTokenExempt: true } };
  const page = {
    summary: 'The inspector page (HTML). It holds no data: it reads the other control routes, with the admin token when one is set.',
    security: [],
  };
  // One address for the page: the others lead there.
  const to = `${fastify.prefix}${PAGE_ROUTE}`;
  const redirect = {
    summary: 'Redirects to the inspector page.',
    security: [],
    response: { 302: { description: `Location: ${to}`, type: 'null' } },
  };
  for (const url of ['/', `${PAGE_ROUTE}/`]) app.get(url, { ...open, schema: redirect }, (_request, reply) => reply.redirect(to));
  app.get(
    PAGE_ROUTE,
    { ...open, schema: { ...page, response: { 200: SERVED('The page.', 'text/html'), 304: NOT_MODIFIED } } },
    (request, reply) => {
      sendAsset(PAGE, request, reply);
    },
  );

  const files = { summary: 'The inspector’s stylesheet and script.', security: [], params: FileParamsSchema };
  const response = {
    200: SERVED('The file.', 'text/css', 'text/javascript'),
    304: NOT_MODIFIED,
    404: { ...ErrorSchema, description: 'RESOURCE_NOT_FOUND' },
  };
  app.get(`${PAGE_ROUTE}/:file`, { ...open, schema: { ...files, response } }, (request, reply) => {
    const { file } = request.params;
    if (file === PAGE || !Object.hasOwn(TYPES, file)) return answerNotFound(request, reply);
    sendAsset(file, request, reply);
  });
}

/** A browser's navigation: its Accept names text/html, which an API client's never does (Atlas answers JSON only). */
type ConstraintStrategy = Parameters<FastifyInstance['addConstraintStrategy']>[0];
type RouteHandler = Parameters<ReturnType<ConstraintStrategy['storage']>['set']>[1];
const BROWSER: ConstraintStrategy = {
  name: 'browser',
  storage() {
    const handlers = new Map<unknown, RouteHandler>();
    return { get: (value) => handlers.get(value) ?? null, set: (value, handler) => void handlers.set(value, handler) };
  },
  deriveConstraint: (request: { headers: IncomingHttpHeaders }) => request.headers.accept?.includes('text/html') === true,
};

/**
 * GET / from a browser: a redirect to the inspector page (`page`), where the emulated API would
 * answer with a Digest challenge, which a browser shows as a password prompt. The router tells
 * the two apart (a route constraint): any other request at / routes on as before, to Atlas's
 * challenge and then its 404.
 */
export async function browserHome(app: FastifyInstance, { page }: { page: string }): Promise<void> {
  app.addConstraintStrategy(BROWSER);
  app.get('/', { constraints: { browser: true } }, (_request, reply) => reply.redirect(page));
}
