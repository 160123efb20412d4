// Reading the Authorization header where Node's parsed view is not enough.

/** Node keeps only the first of repeated Authorization headers in request.headers; the raw list has all. */
export function hasRepeatedAuthorization(rawHeaders: readonly string[]): boolean {
  let seen = false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length !== 13 || name.toLowerCase() !== 'authorization') continue;
    if (seen) return true;
    seen = true;
  }
  return false;
}

const BASIC = /^Basic +([A-Za-z0-9+/]+={0,2})$/i;

/**
 * HTTP Basic credentials (RFC 7617) as an OAuth client sends them: RFC 6749 section 2.3.1
 * form-urlencodes the id and the secret before joining them with ':'.
 */
export function parseBasic(authorization: string | undefined): { id: string; secret: string } | undefined {
  const match = authorization && authorization.length <= 2048 ? BASIC.exec(authorization) : null;
  if (!match) return undefined;
  const text = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  try {
    const decode = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));
    return { id: decode(text.slice(0, colon)), secret: decode(text.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}
