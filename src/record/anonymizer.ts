import { createHash, createHmac } from 'node:crypto';
import { HEX24 } from '../model/value-schemas.js';

// --anonymize: every value that identifies the source rewritten by a keyed hash (HMAC-SHA-256
// keyed by the seed), so the same value becomes the same pseudonym wherever it appears (a
// snapshot's id and a restore job's snapshotId, a download URL's token and the job's
// authValue, a file name in a URL and in `hashes`) and the same seed gives the same bytes;
// no table is kept, so memory does not grow with the rows. Which fields identify is said by
// their key; times, counts, enumerations and the shape are left as they are.

type Rewrite = 'id' | 'name' | 'shardName' | 'host' | 'uuid' | 'hash' | 'fileName' | 'url' | 'authValue';

/** The fields of checkpoints, snapshots and restore jobs that identify the source, by key. */
const REWRITES: Record<string, Rewrite> = {
  id: 'id',
  clusterId: 'id',
  groupId: 'id',
  batchId: 'id',
  checkpointId: 'id',
  snapshotId: 'id',
  targetClusterId: 'id',
  targetGroupId: 'id',
  clusterName: 'name',
  targetClusterName: 'name',
  replicaSetName: 'shardName',
  shardName: 'shardName',
  machineId: 'host',
  masterKeyUUID: 'uuid',
  hash: 'hash',
  fileName: 'fileName',
  url: 'url',
  urlV2: 'url',
  authValue: 'authValue',
};

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Path segments kept in a URL: words and versions (`backup`, `restore`, `v2`), not ids, tokens or names. */
const URL_WORD = /^(?:[a-z]{1,16}|v\d+(?:\.\d+)?)$/;

export class Anonymizer {
  private readonly key: Buffer;

  /** `seed` keys the rewriting; without one, `randomKey` does (a recording no other can be linked with). */
  constructor(
    seed: number | undefined,
    randomKey: () => Buffer,
    /** Names that must not survive in a URL even when they look like words (the recorded clusters'). */
    private readonly names: ReadonlySet<string> = new Set(),
  ) {
    this.key = seed === undefined ? randomKey() : createHash('sha256').update(`atlas-backup-emulator anonymize ${seed}`).digest();
  }

  /** `length` characters of `alphabet` drawn from the keyed hash of (kind, value). */
  private draw(kind: string, value: string, length: number, alphabet: string): string {
    let out = '';
    for (let block = 0; out.length < length; block++) {
      const bytes = createHmac('sha256', this.key).update(`${kind}\0${block}\0${value}`).digest();
      for (const byte of bytes) if (out.length < length) out += alphabet[byte % alphabet.length];
    }
    return out;
  }

  private hex(kind: string, value: string, length: number): string {
    return this.draw(kind, value, length, '0123456789abcdef');
  }

  /**
   * An ObjectId keeps its first four bytes (its second: a time, kept like every time) and its
   * counter, and gets another maker: ids still sort as they did, a batch's jobs stay in order.
   */
  id(value: string): string {
    return HEX24.test(value) ? value.slice(0, 8) + this.hex('id', value.slice(8, 18), 10) + value.slice(18) : this.hex('id', value, 24);
  }

  /** A cluster (or project) name: as many distinct ones as before, still a valid cluster name. */
  name(value: string): string {
    return `cluster-${this.hex('name', value, 10)}`;
  }

  /** A replica set or shard name: Atlas's `<name>-shard-<n>` and `<name>-config-<n>` keep their suffix. */
  shardName(value: string): string {
    const m = /^(.+?)(-(?:shard|config)-\d+)$/.exec(value);
    return m ? this.name(m[1]!) + m[2] : this.name(value);
  }

  /** A host name, with its port when it has one (`machineId`). */
  host(value: string): string {
    const m = /^(.*?)(:\d+)?$/.exec(value)!;
    return `node-${this.hex('host', m[1]!, 10)}.anonymized.invalid${m[2] ?? ''}`;
  }

  uuid(value: string): string {
    const h = this.hex('uuid', value, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
  }

  /** A token of the same length and alphabet (hexadecimal stays hexadecimal). */
  token(value: string): string {
    return /^[0-9a-f]+$/.test(value) ? this.hex('token', value, value.length) : this.draw('token', value, value.length, ALPHANUMERIC);
  }

  hash(value: string): string {
    return this.token(value);
  }

  /** A file name keeps its extensions (`.tar.gz`). */
  fileName(value: string): string {
    const [, stem, extensions] = /^(.*?)((?:\.[A-Za-z0-9]{1,4})*)$/.exec(value)!;
    return `file-${this.hex('file', stem!, 12)}${extensions}`;
  }

  /** `Bearer <token>`: the scheme kept, the token rewritten as in a URL. */
  authValue(value: string): string {
    const m = /^(\S+)(\s+)(\S+)$/.exec(value);
    return m ? `${m[1]}${m[2]}${this.token(m[3]!)}` : this.token(value);
  }

  /** A URL: its host and every path segment but plain words rewritten, query values rewritten, no fragment. */
  url(value: string): string {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return this.token(value);
    }
    const port = url.port === '' ? '' : `:${url.port}`;
    const path = url.pathname
      .split('/')
      .map((segment) => {
        const text = decodeURIComponent(segment);
        if (text === '' || (URL_WORD.test(text) && !this.names.has(text))) return segment;
        if (HEX24.test(text)) return this.id(text);
        return encodeURIComponent(text.includes('.') ? this.fileName(text) : this.token(text));
      })
      .join('/');
    const query = [...url.searchParams].map(([key, v]) => `${encodeURIComponent(key)}=${encodeURIComponent(this.token(v))}`).join('&');
    return `${url.protocol}//${this.host(url.hostname)}${port}${path}${query === '' ? '' : `?${query}`}`;
  }

  /** A checkpoint, snapshot or restore job with every identifying field rewritten (a new value; the given one is left alone). */
  item<T>(value: T, key?: string): T {
    if (typeof value === 'string') {
      const rewrite = key === undefined ? undefined : REWRITES[key];
      return (rewrite === undefined ? value : this[rewrite](value)) as T;
    }
    if (Array.isArray(value)) return value.map((element) => this.item(element, key)) as T;
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.item(v, k)])) as T;
  }
}
