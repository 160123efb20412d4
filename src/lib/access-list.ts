import { BlockList, isIP } from 'node:net';

// Per-credential API access lists, as Atlas keeps one for each API key and service account:
// addresses and CIDR blocks, IPv4 and IPv6, matched by node:net's BlockList.

interface Subnet {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

function subnet(entry: string): Subnet | undefined {
  const match = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(entry);
  const version = match ? isIP(match[1]!) : 0;
  if (!match || version === 0 || match[1]!.includes('%')) return undefined;
  const max = version === 4 ? 32 : 128;
  const prefix = match[2] === undefined ? max : Number(match[2]);
  return prefix <= max ? { address: match[1]!, prefix, family: version === 4 ? 'ipv4' : 'ipv6' } : undefined;
}

/** An address ("10.1.2.3", "::1") or a CIDR block ("10.0.0.0/8", "2001:db8::/32"). */
export function isAccessListEntry(entry: string): boolean {
  return subnet(entry) !== undefined;
}

const IPV4_MAPPED = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i;

export class AccessList {
  private readonly blocks = new BlockList();

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const block = subnet(entry);
      if (!block) throw new Error(`not an access-list entry: ${entry}`);
      this.blocks.addSubnet(block.address, block.prefix, block.family);
    }
  }

  allows(ip: string): boolean {
    // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; they match IPv4 entries.
    const mapped = IPV4_MAPPED.exec(ip);
    if (mapped && this.blocks.check(mapped[1]!, 'ipv4')) return true;
    const version = isIP(ip);
    return version !== 0 && this.blocks.check(ip, version === 4 ? 'ipv4' : 'ipv6');
  }
}
