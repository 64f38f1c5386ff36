// Addresses are counted per IPv4 address and per IPv6 /64, whatever way Node writes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressKey, clientAddress } from './address-key.js';

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

test('X-Forwarded-For counts only from a trusted proxy, right-most untrusted hop first', () => {
  const proxies = new Set(['10.0.0.1', '10.0.0.2']);
  const cases: [string, string | undefined, Set<string> | undefined, string][] = [
    ['203.0.113.9', '1.2.3.4', undefined, '203.0.113.9'], // no trust list: the socket's
    ['203.0.113.9', '1.2.3.4', proxies, '203.0.113.9'], // not from a proxy: the header is ignored
    ['10.0.0.1', '1.2.3.4', proxies, '1.2.3.4'],
    ['::ffff:10.0.0.1', '9.9.9.9, 1.2.3.4, 10.0.0.2', proxies, '1.2.3.4'], // the client wrote 9.9.9.9
    ['10.0.0.1', 'not-an-address', proxies, '10.0.0.1'],
    ['10.0.0.1', undefined, proxies, '10.0.0.1'],
  ];
  for (const [remote, header, trusted, expected] of cases)
    assert.equal(clientAddress(remote, header, trusted), expected, `${remote} ${header}`);
});
