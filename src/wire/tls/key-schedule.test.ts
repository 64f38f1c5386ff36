// The TLS 1.3 key schedule against RFC 8448 §3 (simple 1-RTT handshake, TLS_AES_128_GCM_SHA256):
// traffic secrets to key and IV, and the trace's records opened with them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cipherSuite } from './cipher-suites.js';
import { hkdfExpandLabel, tls13NextSecret, tls13TrafficKeys, tls12Prf } from './key-schedule.js';
import { createRecordCipher } from './record-cipher.js';
import { createRecordParser } from './record-parser.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const AES128 = cipherSuite(0x1301)!;

const TRAFFIC_KEYS = [
  {
    name: 'server handshake traffic secret',
    secret: 'b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38',
    key: '3fce516009c21727d0f2e4e86ee403bc',
    iv: '5d313eb2671276ee13000b30',
  },
  {
    name: 'client application traffic secret',
    secret: '9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5',
    key: '17422dda596ed5d9acd890e3c63f5051',
    iv: '5b78923dee08579033e523d9',
  },
];

for (const row of TRAFFIC_KEYS) {
  test(`RFC 8448 §3: key and iv from the ${row.name}`, () => {
    const keys = tls13TrafficKeys(AES128, hex(row.secret));
    assert.equal(keys.key.toString('hex'), row.key);
    assert.equal(keys.iv.toString('hex'), row.iv);
  });
}

test('RFC 8448 §3: derive-secret and the finished key go through HKDF-Expand-Label', () => {
  const handshakeSecret = hex('1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac');
  const helloHash = hex('860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8');
  assert.equal(
    hkdfExpandLabel('sha256', handshakeSecret, 's hs traffic', helloHash, 32).toString('hex'),
    'b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38',
  );
  assert.equal(
    hkdfExpandLabel('sha256', hex(TRAFFIC_KEYS[0]!.secret), 'finished', Buffer.alloc(0), 32).toString('hex'),
    '008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8',
  );
});

test('RFC 8448 §3: the client application data and close_notify records decrypt in sequence', () => {
  const wire = hex(
    `1703030043a23f7054b62c94d0affafe8228ba55cbefacea42f914aa66bcab3f2b9819a8a5b46b395bd54a9a20441e2b
     62974e1f5a6292a2977014bd1e3deae63aeebb21694915e4
     1703030013c9872760655666b74d7ff1153efd6db6d0b0e3`,
  );
  const records = createRecordParser().push(wire);
  assert.equal(records.length, 2);
  const cipher = createRecordCipher(AES128, tls13TrafficKeys(AES128, hex(TRAFFIC_KEYS[1]!.secret)), {
    tls13: true,
  });
  const data = cipher.open(records[0]!);
  assert.ok(data.ok);
  assert.equal(data.contentType, 23);
  assert.deepEqual(data.plaintext, Buffer.from(Array.from({ length: 50 }, (_, i) => i)));
  const alert = cipher.open(records[1]!);
  assert.ok(alert.ok);
  assert.equal(alert.contentType, 21);
  assert.equal(alert.plaintext.toString('hex'), '0100');
});

test('a flipped bit fails authentication and does not advance the sequence', () => {
  const wire = hex(
    '1703030043a23f7054b62c94d0affafe8228ba55cbefacea42f914aa66bcab3f2b9819a8a5b46b395bd54a9a20441e2b62974e1f5a6292a2977014bd1e3deae63aeebb21694915e4',
  );
  wire[20] ^= 0x01;
  const [record] = createRecordParser().push(wire);
  const cipher = createRecordCipher(AES128, tls13TrafficKeys(AES128, hex(TRAFFIC_KEYS[1]!.secret)), {
    tls13: true,
  });
  const result = cipher.open(record!);
  assert.equal(result.ok, false);
  assert.equal(cipher.sequence, 0);
});

test('KeyUpdate: the next secret is HKDF-Expand-Label(secret, "traffic upd", "", Hash.length)', () => {
  const secret = hex(TRAFFIC_KEYS[1]!.secret);
  const next = tls13NextSecret(AES128, secret);
  assert.equal(next.length, 32);
  assert.deepEqual(next, hkdfExpandLabel('sha256', secret, 'traffic upd', Buffer.alloc(0), 32));
  assert.notDeepEqual(next, secret);
});

test('TLS 1.2 PRF (SHA-256) matches the published test vector', () => {
  // The widely used P_SHA256 vector (IETF TLS list, 2008): 100 bytes of output.
  const out = tls12Prf(
    'sha256',
    hex('9bbe436ba940f017b17652849a71db35'),
    'test label',
    hex('a0ba9f936cda311827a6f796ffd5198c'),
    100,
  );
  assert.equal(
    out.toString('hex'),
    'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa0' +
      '22f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66',
  );
});
