// Attack 5, slow sockets: headers trickled a byte a second (web port, and an upgrade on the
// WebSocket port), a body trickled after the server answered 405, and a TLS handshake that never
// starts (a second server with a certificate made here). Measured: how long each socket is held.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from './kit/session.js';
import { TargetServer } from './kit/target-server.js';
import {
  type Attack,
  type AttackContext,
  type AttackResult,
  type Row,
  legitClosesRow,
  legitRows,
  sized,
} from './kit/result.js';
import { writeTestCertificate } from '../../testing/test-certificate.js';

/** The suggested request timeout: no slow socket should be held longer. */
export const GOAL_HELD_MS = 30_000;

export interface SlowSocket {
  name: string;
  /** How long the server kept it: null when still open at the end of the watch. */
  heldMs: number | null;
  /** The first line the server answered, if any. */
  answer: string;
}

/**
 * Connects, writes `opening`, then one byte of `trickle` a second until the server closes the
 * socket or `watchMs` passes.
 */
function trickle(
  name: string,
  port: number,
  opening: string,
  drip: string,
  watchMs: number,
): Promise<SlowSocket> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let openedAt = Date.now();
    let answer = '';
    let at = 0;
    let timer: NodeJS.Timeout | undefined;
    const done = (heldMs: number | null): void => {
      clearInterval(timer);
      clearTimeout(watch);
      socket.destroy();
      resolve({ name, heldMs, answer: answer.split('\r\n')[0]?.slice(0, 60) ?? '' });
    };
    const watch = setTimeout(() => done(null), watchMs);
    socket.once('connect', () => {
      openedAt = Date.now();
      if (opening) socket.write(opening);
      if (drip) timer = setInterval(() => socket.write(drip[at++ % drip.length]!), 1000);
    });
    socket.on('data', (d: Buffer) => {
      if (answer.length < 200) answer += d.toString('latin1');
    });
    socket.on('error', () => {});
    socket.on('close', () => done(Date.now() - openedAt));
  });
}

function makeCertificate(dir: string): { cert: string; key: string } {
  return writeTestCertificate(dir);
}

function heldRow(k: SlowSocket, watchMs: number): Row {
  const held = k.heldMs === null ? `> ${watchMs / 1000} s (still open)` : `${(k.heldMs / 1000).toFixed(1)} s`;
  const row: Row = {
    measure: `held: ${k.name}`,
    value: held + (k.answer ? `; answered '${k.answer}'` : ''),
    goal: `≤ ${GOAL_HELD_MS / 1000} s`,
  };
  // A socket still open after a watch shorter than the goal says nothing either way.
  if (k.heldMs !== null || watchMs >= GOAL_HELD_MS) row.pass = k.heldMs !== null && k.heldMs <= GOAL_HELD_MS;
  return row;
}

async function run(ctx: AttackContext): Promise<AttackResult> {
  const watchMs = sized(ctx.scale, 3000, 90_000);
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-hostile-'));
  const s = await Session.open(ctx);
  let tls: TargetServer | undefined;
  let sockets: SlowSocket[];
  try {
    const { cert, key } = makeCertificate(dir);
    tls = await TargetServer.start({
      serverRoot: ctx.serverRoot,
      serverArgs: [...ctx.serverArgs, '--tls-cert', cert, '--tls-key', key],
      tls: true,
    });
    await s.before();
    await s.phase('during');
    const header = 'X-Slow: ' + 'a'.repeat(64);
    sockets = await Promise.all([
      trickle('headers a byte a second (web port)', s.server.webPort, 'GET / HTTP/1.1\r\n', header, watchMs),
      trickle(
        'upgrade headers a byte a second (WebSocket port)',
        s.server.wsPort,
        'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n',
        header,
        watchMs,
      ),
      trickle(
        'a body a byte a second after 405 (web port)',
        s.server.webPort,
        'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\n\r\n',
        'b',
        watchMs,
      ),
      trickle('TLS handshake never started (wss port)', tls.wsPort, '', '', watchMs),
      trickle('TLS handshake never started (https port)', tls.webPort, '', '', watchMs),
    ]);
    await s.after();
  } catch (err) {
    await s.close();
    throw err;
  } finally {
    await tls?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const legit = await s.finish();
  const rows: Row[] = [
    ...legitRows('before', legit.phases.before, false),
    ...legitRows('during', legit.phases.during, true),
    ...sockets.map((k): Row => heldRow(k, watchMs)),
    ...legitRows('after', legit.phases.after, false),
    legitClosesRow(legit),
  ];
  return { attack: 'slow', rows, data: { sockets, watchMs, legit } };
}

export const slowSocketsAttack: Attack = { name: 'slow', title: 'Slow sockets', run };
