// Secrets carried inside a capture (pcapng Decryption Secrets Blocks, as `editcap
// --inject-secrets tls,keys.log` and `wirechat capture/tap -w` with keys write them) added to
// the run's KeyStore, so such a file decodes with no --keylog. The store is created on the first
// TLS key log block when no key log was given. The TLS layer looks secrets up at each
// ClientHello; a block that comes later (a file written live carries the secrets where they
// arrived) releases the connections held since the first block, within --keylog-wait of capture
// time.
import type { DecodeProblemEvent } from '../events.js';
import { DSB_TLS_KEY_LOG } from '../source/pcapng-codes.js';
import { KeyStore } from './key-store.js';
import { KeyWaiter } from './key-waiter.js';
import { parseKeyLog } from './keylog-parser.js';
import type { TlsOptions } from './tls-connection.js';
import type { WireProblemCode } from '../problem-codes.js';

/** Secrets types other than TLS are named in the one note saying they are not used. */
const SECRETS_TYPES: Record<number, string> = {
  0x57474b4c: 'WireGuard',
  0x5a4e574b: 'ZigBee network key',
  0x5a415053: 'ZigBee APS key',
  0x6f4d3341: 'OPC UA',
};

export interface CaptureKeys {
  /** The TLS options every connection of the run shares (secrets found in the file join its store). */
  tls: TlsOptions;
  /** The reader's onSecrets: TLS key log blocks go into `tls.keys`. */
  onSecrets(secretsType: number, data: Buffer): void;
  /**
   * Each packet: in a file that carries secrets (which may come after the handshakes they open,
   * when it was written live), connections without theirs wait for them by capture time.
   */
  packet(): void;
  /** The capture is over: connections still waiting are decoded with what is known. */
  end(): void;
}

/** Problems become decode.problem events; `now` is the capture time of the latest packet. */
export function createCaptureKeys(
  options: TlsOptions | undefined,
  report: (problem: DecodeProblemEvent) => void,
  now: () => number,
): CaptureKeys {
  const tls: TlsOptions = { ...options };
  let fileWaiter: KeyWaiter | undefined;
  const readSecrets = createSecretsReader(tls, report, now);
  return {
    tls,
    onSecrets(secretsType, data) {
      readSecrets(secretsType, data);
      // A live run (capture, tap) has a waiter of its own, on the wall clock.
      if (secretsType === DSB_TLS_KEY_LOG && !tls.waiter) {
        fileWaiter = new KeyWaiter((random) => tls.keys?.get(random) !== undefined, {
          ...options?.keyWait,
          now: () => now() * 1000,
        });
        tls.waiter = fileWaiter;
      }
      fileWaiter?.check();
    },
    packet() {
      fileWaiter?.check();
    },
    end() {
      fileWaiter?.releaseAll();
    },
  };
}

function createSecretsReader(
  tls: TlsOptions,
  report: (problem: DecodeProblemEvent) => void,
  now: () => number,
): (secretsType: number, data: Buffer) => void {
  let blocks = 0;
  const otherTypesSeen = new Set<number>();
  const problem = (code: WireProblemCode, message: string): void =>
    report({
      event: 'decode.problem',
      ts: now(),
      src: '',
      dst: '',
      conn: null,
      packet: null,
      code,
      message,
      severity: 'warning',
    });
  return (secretsType, data) => {
    if (secretsType !== DSB_TLS_KEY_LOG) {
      if (otherTypesSeen.has(secretsType)) return;
      otherTypesSeen.add(secretsType);
      const name = SECRETS_TYPES[secretsType] ?? `type 0x${secretsType.toString(16).padStart(8, '0')}`;
      problem('SECRETS_UNSUPPORTED', `decryption secrets of ${name} in the capture are not used`);
      return;
    }
    blocks++;
    tls.keys ??= new KeyStore();
    const result = parseKeyLog(data.toString('latin1'), tls.keys, `decryption secrets block ${blocks}`);
    for (const p of result.problems) problem(p.code, p.message);
  };
}
