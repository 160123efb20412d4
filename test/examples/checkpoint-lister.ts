import DigestClient from 'digest-fetch';

// "User code" for the example suite: what an application that backs up Atlas clusters might
// contain. It lists every checkpoint of a cluster through the Atlas Admin API with HTTP Digest
// (the npm digest-fetch client), follows the `next` links, and retries a page that fails with
// a server error or a rate limit. The example suite tests it against the emulator.

export interface Checkpoint {
  id: string;
  timestamp: string;
}

export interface ListerOptions {
  baseUrl: string;
  publicKey: string;
  privateKey: string;
  itemsPerPage?: number;
  /** Attempts per page before giving up. */
  attempts?: number;
}

export interface ListResult {
  checkpoints: Checkpoint[];
  retries: number;
}

const RETRYABLE = new Set([429, 500, 502, 503, 504]);

export async function listAllCheckpoints(groupId: string, clusterName: string, options: ListerOptions): Promise<ListResult> {
  const client = new DigestClient(options.publicKey, options.privateKey);
  const checkpoints: Checkpoint[] = [];
  let retries = 0;
  let url: string | undefined =
    `${options.baseUrl}/api/atlas/v2/groups/${groupId}/clusters/${clusterName}/backupCheckpoints?itemsPerPage=${options.itemsPerPage ?? 100}&pageNum=1`;
  while (url !== undefined) {
    let response: Response;
    for (let attempt = 1; ; attempt++) {
      response = await client.fetch(url, { headers: { accept: 'application/vnd.atlas.2023-01-01+json' } });
      if (!RETRYABLE.has(response.status) || attempt === (options.attempts ?? 3)) break;
      await response.arrayBuffer();
      retries++;
      // Retry-After is in seconds; the emulator's faults can say 0.
      await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after') ?? 0) * 1000));
    }
    if (!response!.ok) throw new Error(`listing checkpoints failed: HTTP ${response!.status} ${await response!.text()}`);
    const page = (await response!.json()) as { results: Checkpoint[]; links: { rel: string; href: string }[] };
    checkpoints.push(...page.results);
    url = page.links.find((link) => link.rel === 'next')?.href;
  }
  return { checkpoints, retries };
}
