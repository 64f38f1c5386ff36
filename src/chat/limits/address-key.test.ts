// Addresses are counted per IPv4 address and per IPv6 /64, whatever way Node writes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressKey } from './address-key.js';

test('IPv4 (also IPv4-mapped) as is, IPv6 by its /64, missing as unknown', () => {
  const cases: [string | undefined, string][] = [
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['2001:db8:0:1:aaaa::1', '2001:db8:0:1::/64'],
    ['2001:0db8:0000:0001:bbbb:cccc:dddd:eeee', '2001:db8:0:1::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    [undefined, 'unknown'],
  ];
  for (const [input, key] of cases) assert.equal(addressKey(input), key, String(input));
});
