import { randomBytes } from 'node:crypto';
import { expectedResponse, ha1Base, REALM, type DigestAlgorithm } from '../auth/digest.js';
import type { ApiVersion } from '../model/links.js';
import { RecordError } from './record-error.js';
import type { SourceCredentials } from './record-options.js';

// The recorder's HTTP client of Atlas: reads only (GET, and the service account's token),
// as polite as Atlas asks: at most `rate` requests a minute (challenges and token requests
// included), a 429 or 503 retried with backoff (Retry-After honoured), a Digest nonce reused
// with a growing nonce count instead of a challenge per request. Every answer that ends the
// recording becomes a RecordError of one line; no secret goes into one.

/** What the client needs from the world: injected, so that tests control time. */
export interface ClientIo {
  fetch: typeof fetch;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

/** Retries of a 429, a 503 (or a gateway's 502, 504) or a broken connection before giving up. */
export const MAX_RETRIES = 6;
const FIRST_BACKOFF_MS = 1000;
/** A Retry-After longer than this ends the recording instead. */
const MAX_WAIT_MS = 10 * 60_000;
const REQUEST_TIMEOUT_MS = 60_000;
/** The v2 media type of the Legacy Backup resources: their one version, as atlas-sdk-go sends it. */
const V2_MEDIA_TYPE = 'application/vnd.atlas.2023-01-01+json';
const RETRIED = new Set([429, 502, 503, 504]);
const TLS_ERROR = /^(?:ERR_SSL_|ERR_TLS_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_|HOSTNAME_MISMATCH$)/;
/** A connection that broke: worth another try. */
const BROKEN = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/** Spaces requests so that at most `perMinute` start in any minute. */
export class Pacer {
  private next = -Infinity;

  constructor(
    private readonly perMinute: number,
    private readonly io: Pick<ClientIo, 'now' | 'sleep'>,
  ) {}

  async wait(): Promise<void> {
    const now = this.io.now();
    if (now < this.next) await this.io.sleep(this.next - now);
    this.next = Math.max(now, this.next) + 60_000 / this.perMinute;
  }
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** The cluster a GET reads, for messages. */
export interface Place {
  cluster?: string;
}

interface DigestState {
  nonce: string;
  algorithm: DigestAlgorithm;
  opaque: string | undefined;
  nc: number;
}

/** The parameters of a `WWW-Authenticate: Digest ...` challenge (RFC 7616 section 3.3), names lowercased. */
function challengeParams(header: string | null): Map<string, string> | undefined {
  const scheme = header === null ? null : /^\s*Digest\s+/i.exec(header);
  if (!scheme) return undefined;
  const params = new Map<string, string>();
  for (const m of header!.slice(scheme[0].length).matchAll(/([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params.set(m[1]!.toLowerCase(), m[2] === undefined ? m[3]! : m[2].replace(/\\(.)/g, '$1'));
  }
  return params;
}

const quoted = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;

/** The first line of a non-JSON answer is no use in a message: what kind of answer it was is. */
const looksLikeHtml = (answer: Answer) => /html/i.test(answer.headers.get('content-type') ?? '') || /^\s*</.test(answer.text);

export class SourceClient {
  /** Requests sent (challenges, token requests and retries included). */
  requests = 0;
  /** Whether an answer has shown the source to be Atlas (a 404 before it says it is not). */
  private confirmed = false;
  private digest: DigestState | undefined;
  private ha1: string | undefined;
  private token: { value: string; expires: number } | undefined;

  constructor(
    private readonly base: string,
    private readonly group: string,
    private readonly api: ApiVersion,
    private readonly credentials: SourceCredentials,
    private readonly pacer: Pacer,
    private readonly io: ClientIo,
  ) {}

  private get host(): string {
    return new URL(this.base).host;
  }

  /** One HTTP exchange, paced; a connection that cannot be made is a RecordError, a broken one is retried by the caller. */
  private async send(url: string, init: RequestInit): Promise<Answer> {
    await this.pacer.wait();
    this.requests++;
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    const signal = this.io.signal ? AbortSignal.any([this.io.signal, timeout]) : timeout;
    try {
      const res = await this.io.fetch(url, { ...init, redirect: 'manual', signal });
      return { status: res.status, headers: res.headers, text: await res.text() };
    } catch (err) {
      if (this.io.signal?.aborted) throw new RecordError('interrupted');
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const code = cause?.code ?? (err as { code?: string }).code ?? '';
      if (TLS_ERROR.test(code) || /ssl|tls|certificate/i.test(cause?.message ?? ''))
        throw new RecordError(`TLS failure with ${this.host}: ${code || cause?.message}`);
      if (UNREACHABLE.has(code)) throw new RecordError(`cannot reach ${this.host}: ${code}`);
      if (timeout.aborted) throw new Unanswered(`no answer from ${this.host} within ${REQUEST_TIMEOUT_MS / 1000} s`);
      if (BROKEN.has(code)) throw new Unanswered(`the connection to ${this.host} broke (${code})`);
      throw new RecordError(`cannot read from ${this.base}: ${cause?.message ?? (err as Error).message}`);
    }
  }

  private accept(): string {
    return this.api === 'v2' ? V2_MEDIA_TYPE : 'application/json';
  }

  /** A GET signed with the Digest nonce in hand, or answered with a challenge to take one from. */
  private async digestGet(url: string): Promise<Answer> {
    const { publicKey, privateKey } = this.credentials as Extract<SourceCredentials, { kind: 'apiKey' }>;
    let answer = this.digest
      ? await this.send(url, { headers: { accept: this.accept(), authorization: this.authorization(url) } })
      : await this.send(url, { headers: { accept: this.accept() } });
    if (answer.status !== 401) return answer;
    const challenge = challengeParams(answer.headers.get('www-authenticate'));
    if (!challenge) {
      if (!this.confirmed) throw this.notAtlas(`a 401 without a Digest challenge to GET ${new URL(url).pathname}`);
      throw this.refused(answer);
    }
    const nonce = challenge.get('nonce');
    const algorithm = (['MD5', 'SHA-256', 'MD5-sess', 'SHA-256-sess'] as const).find(
      (a) => a.toLowerCase() === (challenge.get('algorithm') ?? 'MD5').toLowerCase(),
    );
    const qops = (challenge.get('qop') ?? '').split(',').map((q) => q.trim());
    // Atlas's realm is what the project's Digest hashing is for (auth/digest.ts).
    if (nonce === undefined || algorithm === undefined || !qops.includes('auth') || challenge.get('realm') !== REALM) {
      throw this.notAtlas(`a Digest challenge that is not Atlas's (${answer.headers.get('www-authenticate')?.slice(0, 80)})`);
    }
    this.confirmed = true;
    this.ha1 = ha1Base(algorithm, publicKey, privateKey);
    this.digest = { nonce, algorithm, opaque: challenge.get('opaque'), nc: 0 };
    answer = await this.send(url, { headers: { accept: this.accept(), authorization: this.authorization(url) } });
    if (answer.status === 401) throw this.refused(answer);
    return answer;
  }

  /** The Authorization header of a GET of `url` with the next nonce count (RFC 7616 section 3.4). */
  private authorization(url: string): string {
    const state = this.digest!;
    const { publicKey } = this.credentials as Extract<SourceCredentials, { kind: 'apiKey' }>;
    const uri = new URL(url).pathname + new URL(url).search;
    const nc = (++state.nc).toString(16).padStart(8, '0');
    const cnonce = randomBytes(8).toString('hex');
    const credentials = {
      username: publicKey,
      realm: REALM,
      nonce: state.nonce,
      uri,
      response: '',
      algorithm: state.algorithm,
      qop: 'auth',
      nc,
      cnonce,
    };
    const response = expectedResponse(credentials, 'GET', this.ha1!);
    const opaque = state.opaque === undefined ? '' : `, opaque=${quoted(state.opaque)}`;
    const signed = `nonce=${quoted(state.nonce)}, uri=${quoted(uri)}, algorithm=${state.algorithm}, response="${response}"`;
    return `Digest username=${quoted(publicKey)}, realm=${quoted(REALM)}, ${signed}, qop=auth, nc=${nc}, cnonce="${cnonce}"${opaque}`;
  }

  /** A service account's access token (RFC 6749 section 4.4), minted when there is none or it is about to expire. */
  private async bearer(fresh: boolean): Promise<string> {
    if (!fresh && this.token && this.io.now() < this.token.expires) return this.token.value;
    const { clientId, clientSecret } = this.credentials as Extract<SourceCredentials, { kind: 'serviceAccount' }>;
    const url = `${this.base}/api/oauth/token`;
    const answer = await this.retried(() =>
      this.send(url, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: 'grant_type=client_credentials',
      }),
    );
    let body: { access_token?: unknown; expires_in?: unknown; errorCode?: unknown; detail?: unknown } | undefined;
    try {
      body = JSON.parse(answer.text);
    } catch {
      body = undefined;
    }
    if (answer.status === 401 && body !== undefined) throw this.refused(answer);
    if (answer.status !== 200 || typeof body?.access_token !== 'string') {
      throw this.confirmed
        ? this.unexpected(answer, 'POST /api/oauth/token', body)
        : this.notAtlas(`${answer.status} to POST /api/oauth/token`);
    }
    this.confirmed = true;
    // A minute's margin: a token is never sent in its last minute.
    const seconds = typeof body.expires_in === 'number' ? body.expires_in : 3600;
    this.token = { value: body.access_token, expires: this.io.now() + Math.max(0, seconds - 60) * 1000 };
    return this.token.value;
  }

  private async bearerGet(url: string): Promise<Answer> {
    const reused = this.token !== undefined;
    const answer = await this.send(url, { headers: { accept: this.accept(), authorization: `Bearer ${await this.bearer(false)}` } });
    if (answer.status !== 401) return answer;
    // A token may be revoked or expire early: one fresh token, then the refusal stands.
    if (!reused) throw this.refused(answer);
    const again = await this.send(url, { headers: { accept: this.accept(), authorization: `Bearer ${await this.bearer(true)}` } });
    if (again.status === 401) throw this.refused(again);
    return again;
  }

  /** An exchange again while the source asks to wait or the connection broke, up to MAX_RETRIES times. */
  private async retried(exchange: () => Promise<Answer>): Promise<Answer> {
    for (let retry = 0; ; retry++) {
      let answer: Answer | undefined;
      let broken: Unanswered | undefined;
      try {
        answer = await exchange();
      } catch (err) {
        if (!(err instanceof Unanswered)) throw err;
        broken = err;
      }
      if (answer && !RETRIED.has(answer.status)) return answer;
      if (retry === MAX_RETRIES) {
        if (broken) throw new RecordError(`${broken.message}, ${MAX_RETRIES} retries`);
        throw new RecordError(`the source still answered ${answer!.status} after ${MAX_RETRIES} retries`);
      }
      const wait = (answer && retryAfter(answer, this.io.now())) ?? FIRST_BACKOFF_MS * 2 ** retry;
      if (wait > MAX_WAIT_MS) throw new RecordError(`the source asks to wait ${Math.round(wait / 1000)} s (Retry-After): try again later`);
      await this.io.sleep(wait);
    }
  }

  /**
   * A GET of the Atlas API (`path` under /api/atlas/{api}/groups/{group}): the JSON of a 200,
   * or a RecordError naming the problem.
   */
  async get(path: string, place: Place): Promise<Record<string, unknown>> {
    const url = `${this.base}/api/atlas/${this.api}/groups/${this.group}${path}`;
    const answer = await this.retried(() => (this.credentials.kind === 'apiKey' ? this.digestGet(url) : this.bearerGet(url)));
    const shown = `GET ${new URL(url).pathname}`;
    if (looksLikeHtml(answer)) throw this.notAtlas(`an HTML page (${answer.status}) to ${shown}`);
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      throw this.confirmed
        ? new RecordError(`the source answered ${answer.status} to ${shown} with a body that is not JSON`)
        : this.notAtlas(`${answer.status} without JSON to ${shown}`);
    }
    if (answer.status === 200 && typeof body === 'object' && body !== null && !Array.isArray(body)) {
      this.confirmed = true;
      return body as Record<string, unknown>;
    }
    if (answer.status === 404 && !this.confirmed && typeof (body as { errorCode?: unknown }).errorCode !== 'string')
      throw this.notAtlas(`404 to ${shown}`);
    throw this.problem(answer, body as { errorCode?: unknown; detail?: unknown }, shown, place);
  }

  /** What an Atlas error answer means for the recording. */
  private problem(answer: Answer, body: { errorCode?: unknown; detail?: unknown }, shown: string, place: Place): RecordError {
    switch (body.errorCode) {
      case 'INVALID_GROUP_ID':
      case 'GROUP_NOT_FOUND':
        return new RecordError(`the source has no project ${this.group} (${body.errorCode})`);
      case 'CLUSTER_NOT_FOUND':
        return new RecordError(`the source has no cluster named ${place.cluster} in project ${this.group} (CLUSTER_NOT_FOUND)`);
      case 'BACKUP_JOB_NOT_FOUND':
      case 'CHECKPOINTS_ONLY_ON_CONTINOUS_BACKUP':
        return new RecordError(`cluster ${place.cluster} is on Cloud Backup: it has no Legacy Backup data to record (${body.errorCode})`);
      case 'USER_CANNOT_ACCESS_GROUP':
        return new RecordError(`the source's credentials may not read project ${this.group} (USER_CANNOT_ACCESS_GROUP)`);
      case 'IP_ADDRESS_NOT_ON_ACCESS_LIST':
        return new RecordError(
          `the source refused this machine's address: add it to the access list of the credentials (IP_ADDRESS_NOT_ON_ACCESS_LIST)`,
        );
      default:
        return this.unexpected(answer, shown, body);
    }
  }

  private unexpected(answer: Answer, shown: string, body?: { errorCode?: unknown; detail?: unknown }): RecordError {
    const code = typeof body?.errorCode === 'string' ? ` ${body.errorCode}` : '';
    const detail = typeof body?.detail === 'string' ? `: ${body.detail.slice(0, 200)}` : '';
    return new RecordError(`the source answered ${answer.status}${code} to ${shown}${detail}`);
  }

  private notAtlas(what: string): RecordError {
    return new RecordError(`${this.base} does not answer as Atlas does (${what}): is it Atlas's base URL?`);
  }

  /** Atlas does not say which half of the credentials is wrong; neither can this. */
  private refused(answer: Answer): RecordError {
    let code: unknown;
    try {
      code = (JSON.parse(answer.text) as { errorCode?: unknown }).errorCode;
    } catch {
      code = undefined;
    }
    if (code === 'USER_CANNOT_ACCESS_GROUP')
      return new RecordError(`the source's credentials may not read project ${this.group} (USER_CANNOT_ACCESS_GROUP)`);
    const what =
      this.credentials.kind === 'apiKey'
        ? 'API key pair (its public or private key is wrong'
        : 'service account (its client id or secret is wrong';
    return new RecordError(`the source refused the ${what}, or it has been revoked)`);
  }
}

/** An exchange that got no answer (a broken connection, a timeout): retried. */
class Unanswered extends Error {}

/** The wait a 429 or 503 asks for (Retry-After: seconds or an HTTP-date), if it says. */
function retryAfter(answer: Answer, now: number): number | undefined {
  const header = answer.headers.get('retry-after');
  if (header === null) return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
