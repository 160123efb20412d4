import t from 'tap';
import { NonceService } from '../../src/auth/nonce.js';

// Two clients challenged in the same millisecond must not get the same nonce: the second
// one's first signed request (nc=00000001) would be refused as a replay of the first's.

t.test('every nonce issued in one millisecond is unique, and each verifies', async (t) => {
  const nonces = new NonceService('a secret', 60_000, () => 1_700_000_000_000);
  const issued = new Set<string>();
  for (let i = 0; i < 0x10000; i++) issued.add(nonces.issue());
  t.equal(issued.size, 0x10000, '65,536 nonces, no two alike');
  const verifier = new NonceService('a secret', 60_000, () => 1_700_000_000_000);
  for (const nonce of [...issued].slice(0, 100)) t.same(verifier.check(nonce), { status: 'valid', issuedAt: 1_700_000_000_000 });
});
