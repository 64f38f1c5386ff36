// For tests: a real wss chat session with the real chat server, captured by a real tcpdump on
// loopback, with the client's key log (Node's 'keylog' event), in a temporary directory.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startTestServer } from '../chat/chat-client.js';
import { projectRoot } from '../../shared/paths.js';
import { startTcpdumpRecorder } from '../tcpdump-recorder.js';
import { makeCertificate } from './tls-test-kit.js';

export const cli = join(projectRoot, 'bin', 'wirechat.js');

export function available(cmd: string, arg = '--version'): boolean {
  try {
    execFileSync(cmd, [arg], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Logs in, says `words`, waits for the echoes, closes. */
export async function wssChat(url: string, words: string[], agent?: Agent): Promise<void> {
  const ws = new WebSocket(url, { rejectUnauthorized: false, ...(agent ? { agent } : {}) });
  const replies: string[] = [];
  ws.on('message', (d) => replies.push(String(d)));
  await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const waitFor = async (n: number) => {
    for (let i = 0; i < 300 && replies.length < n; i++) await new Promise((r) => setTimeout(r, 10));
  };
  ws.send(JSON.stringify({ type: 'login', client_name: 'ann', room_id: 1 }));
  await waitFor(1);
  for (const [i, content] of words.entries()) {
    ws.send(JSON.stringify({ type: 'say', to_client_id: 'all', content }));
    await waitFor(i + 2);
  }
  ws.close(1000, 'bye');
  await new Promise((r) => ws.once('close', r));
}

/** Writes dir/cert.pem and dir/key.pem; returns their paths. */
export function writeCertificate(dir: string): { cert: string; key: string } {
  const made = makeCertificate();
  const files = { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  writeFileSync(files.cert, made.cert);
  writeFileSync(files.key, made.key);
  return files;
}

/** Records one wss session to dir/wss.pcap and its client key log to dir/keys.log. */
export async function recordWssSession(
  dir: string,
  words: string[],
): Promise<{ pcap: string; keylog: string }> {
  const files = writeCertificate(dir);
  const lines: string[] = [];
  const agent = new Agent({ keepAlive: false });
  agent.on('keylog', (line: Buffer) => lines.push(line.toString()));
  const server = await startTestServer({ tlsCert: files.cert, tlsKey: files.key });
  const pcap = join(dir, 'wss.pcap');
  try {
    const recorder = await startTcpdumpRecorder({ file: pcap, port: server.wsPort, immediate: true });
    await wssChat(`wss://127.0.0.1:${server.wsPort}/`, words, agent);
    await recorder.stop();
  } finally {
    await server.close();
  }
  const keylog = join(dir, 'keys.log');
  writeFileSync(keylog, lines.join(''));
  return { pcap, keylog };
}

/** `wirechat read --format jsonl` of a file, parsed. */
export function readJsonl(file: string, extra: string[] = []): Array<Record<string, unknown>> {
  const r = spawnSync(process.execPath, [cli, 'read', '--format', 'jsonl', ...extra, file], {
    maxBuffer: 64 << 20,
    env: { ...process.env, WIRECHAT_KEYLOG: '' },
  });
  if (r.status !== 0) throw new Error(`read failed: ${r.stderr.toString()}`);
  return r.stdout
    .toString()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The chat text said in a decoded conversation, in order. */
export function saidTexts(events: Array<Record<string, unknown>>): string[] {
  return events
    .filter((e) => e.event === 'ws.message' && e.from === 'client' && typeof e.text === 'string')
    .map((e) => JSON.parse(String(e.text)) as { type: string; content?: string })
    .filter((m) => m.type === 'say')
    .map((m) => String(m.content));
}

/** The text of the WebSocket messages tshark shows in a file, with no key log option. */
export function tsharkWebSocketTexts(file: string): string {
  const r = spawnSync(
    'tshark',
    ['-r', file, '-Y', 'websocket', '-T', 'fields', '-e', 'text', '-o', 'tcp.desegment_tcp_streams:TRUE'],
    { maxBuffer: 64 << 20, env: { ...process.env, HOME: process.env.HOME ?? '/tmp' } },
  );
  return r.stdout.toString();
}
