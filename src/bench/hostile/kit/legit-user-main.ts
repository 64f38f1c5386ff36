// The legitimate user, in its own process so attack clients never share its event loop: one
// connection says a message every 100 ms (under the default rate) and times each one's broadcast
// back; a second, fresh connection every second times connect + upgrade + login answered. Both
// come from an address of their own (LEGIT_LOCAL_ADDRESS), never the attackers'.
import { WebSocket } from 'ws';
import { createHistogram, recordMicros, summarize, type Histogram } from '../../histogram.js';
import {
  LEGIT_LOCAL_ADDRESS,
  type LegitCommand,
  type LegitEvent,
  type PhaseReport,
} from './legit-protocol.js';

const SEND_EVERY_MS = 100;
const PROBE_EVERY_MS = 1000;
const CONNECT_LIMIT_MS = 5000;

interface Phase {
  roundTrip: Histogram;
  sent: number;
  connect: Histogram;
  connectFailed: number;
}

let url = '';
let phaseName = 'setup';
let reconnect = true;
const phases = new Map<string, Phase>();
const inFlight = new Map<number, { phase: string; at: bigint }>();
const closes: { code: number; at: number }[] = [];
let main: WebSocket | null = null;
let seq = 0;
let stopping = false;

function phase(name = phaseName): Phase {
  let p = phases.get(name);
  if (!p) {
    p = { roundTrip: createHistogram(), sent: 0, connect: createHistogram(), connectFailed: 0 };
    phases.set(name, p);
  }
  return p;
}

function reply(event: LegitEvent): void {
  process.send?.(event);
}

/**
 * Opens a connection and logs in (today's workerman dialect); resolves with the socket and the
 * time from the start of the TCP connect to the login answer, or rejects after the limit.
 */
function openLoggedIn(name: string, room: string): Promise<{ ws: WebSocket; micros: number }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { handshakeTimeout: CONNECT_LIMIT_MS, localAddress: LEGIT_LOCAL_ADDRESS });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('connect limit'));
    }, CONNECT_LIMIT_MS);
    ws.on('error', () => {});
    ws.once('close', () => {
      clearTimeout(timer);
      reject(new Error('closed before login'));
    });
    ws.once('open', () => ws.send(JSON.stringify({ type: 'login', client_name: name, room_id: room })));
    const onMessage = (data: Buffer): void => {
      const text = String(data);
      if (!text.includes('"client_list"') && !text.includes('"error"')) return;
      ws.off('message', onMessage);
      clearTimeout(timer);
      ws.removeAllListeners('close');
      if (text.includes('"error"')) {
        ws.terminate();
        reject(new Error(`login refused: ${text.slice(0, 120)}`));
        return;
      }
      resolve({ ws, micros: Number(process.hrtime.bigint() - started) / 1000 });
    };
    ws.on('message', onMessage);
  });
}

function onMainMessage(data: Buffer): void {
  const text = String(data);
  const match = /"content":"rt (\d+)"/.exec(text);
  if (!match) return;
  const sent = inFlight.get(Number(match[1]));
  if (!sent) return;
  inFlight.delete(Number(match[1]));
  recordMicros(phase(sent.phase).roundTrip, Number(process.hrtime.bigint() - sent.at) / 1000);
}

async function connectMain(): Promise<number> {
  const counted = phaseName;
  try {
    const { ws, micros } = await openLoggedIn('legit', 'legit-room');
    recordMicros(phase(counted).connect, micros);
    main = ws;
    ws.on('message', onMainMessage);
    ws.on('close', (code) => {
      closes.push({ code, at: Date.now() });
      main = null;
      if (!stopping && reconnect) setTimeout(() => void connectMain(), 250);
    });
    return micros / 1000;
  } catch {
    phase(counted).connectFailed++;
    if (!stopping && reconnect) setTimeout(() => void connectMain(), 250);
    return -1;
  }
}

let probing = false;
/** A phase began while a probe was out: that phase gets its own probe once this one ends. */
let probeAgain = false;
async function probe(): Promise<void> {
  if (stopping || !reconnect) return;
  if (probing) {
    probeAgain = true;
    return;
  }
  probing = true;
  const counted = phaseName;
  try {
    const { ws, micros } = await openLoggedIn('probe', 'legit-probe');
    recordMicros(phase(counted).connect, micros);
    ws.close(1000);
  } catch {
    phase(counted).connectFailed++;
  } finally {
    probing = false;
    if (probeAgain) {
      probeAgain = false;
      void probe();
    }
  }
}

function say(): void {
  if (!main || main.readyState !== WebSocket.OPEN) return;
  const n = ++seq;
  const content = `rt ${n}`;
  inFlight.set(n, { phase: phaseName, at: process.hrtime.bigint() });
  phase().sent++;
  main.send(JSON.stringify({ type: 'say', to_client_id: 'all', to_client_name: 'all', content }));
}

async function report(graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (inFlight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const lost = new Map<string, number>();
  for (const { phase: name } of inFlight.values()) lost.set(name, (lost.get(name) ?? 0) + 1);
  inFlight.clear();
  const out: Record<string, PhaseReport> = {};
  for (const [name, p] of phases) {
    out[name] = {
      roundTrip: summarize(p.roundTrip),
      sent: p.sent,
      lost: lost.get(name) ?? 0,
      connect: summarize(p.connect),
      connectFailed: p.connectFailed,
    };
  }
  reply({ ev: 'report', phases: out, closes });
}

process.on('message', (msg: LegitCommand) => {
  if (msg.cmd === 'start') {
    url = msg.url;
    void connectMain().then((ms) => {
      if (ms < 0) {
        reply({ ev: 'failed', message: 'the legitimate user could not connect and log in' });
        return;
      }
      reply({ ev: 'ready', connectMs: ms });
      setInterval(say, SEND_EVERY_MS);
      setInterval(() => void probe(), PROBE_EVERY_MS);
    });
  } else if (msg.cmd === 'phase') {
    phaseName = msg.name;
    reconnect = msg.reconnect;
    // Every phase gets at least one fresh connect, however short it is.
    void probe();
    reply({ ev: 'phase-set' });
  } else if (msg.cmd === 'report') {
    stopping = true;
    void report(msg.graceMs);
  } else if (msg.cmd === 'stop') {
    stopping = true;
    main?.terminate();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
