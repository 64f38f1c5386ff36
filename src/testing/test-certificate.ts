// A self-signed certificate made by `openssl req` for tests and benchmarks that need TLS on
// 127.0.0.1: written as cert.pem / key.pem into a folder the caller owns (and removes).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface CertificateFiles {
  cert: string;
  key: string;
}

export interface CertificateOptions {
  /** Common name and DNS subject alternative name (default localhost). */
  cn?: string;
  /** RSA 2048 (default) or ECDSA P-256. */
  keyType?: 'rsa' | 'ec';
}

/** Writes the pair into `dir`; its names cover `cn` and 127.0.0.1, valid for two days. */
export function writeTestCertificate(dir: string, options: CertificateOptions = {}): CertificateFiles {
  const cn = options.cn ?? 'localhost';
  const files = { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  const keyArgs = options.keyType === 'ec' ? ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['rsa:2048'];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      ...keyArgs,
      '-nodes',
      '-keyout',
      files.key,
      '-out',
      files.cert,
      '-days',
      '2',
      '-subj',
      `/CN=${cn}`,
      '-addext',
      `subjectAltName=DNS:${cn},IP:127.0.0.1`,
    ],
    { stdio: 'ignore' },
  );
  return files;
}
