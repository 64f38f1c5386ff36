// A client process of `wirechat bench`: holds up to ~19k connections (the per-process open-file
// limit), sends and counts bench messages, and reports to the coordinator over IPC. The receive
// path is the hot one: one byte search per message, digits read in place, no JSON.
import { RawWsClient, ClientError, parseTargetUrl } from './raw-ws-client.js';
import { encodeClientFrame, MaskedFramePool, OP_TEXT } from './ws-frames.js';
import {
  MARKER,
  classifyLoginReply,
  isJsonPing,
  loginMessage,
  nowMicros,
  readMarker,
  sayTemplate,
  writeMarker,
  type MarkerFields,
} from './bench-message.js';
import { createHistogram, encodeHistogram, recordMicros } from './histogram.js';
import type {
  ArmCommand,
  CollectCommand,
  ConnectCommand,
  StartCommand,
  WorkerCommand,
  WorkerEvent,
} from './worker-protocol.js';

interface Conn {
  client: RawWsClient;
  /** Sender id, or -1 for a receiver. */
  sid: number;
  count: number;
  lastSeq: Float64Array;
  /** Byte-search cache: the buffer last searched and where its next marker is. */
  searchedBuf: Buffer | null;
  markerAt: number;
  seq: number;
  outstanding: number;
}

const conns: Conn[] = [];
const latency = createHistogram();
const rtt = createHistogram();
const fields: MarkerFields = { sender: 0, seq: 0, micros: 0 };
const closed: Record<string, number> = {};
const pongs = new MaskedFramePool(Buffer.from('{"type":"pong"}'));
let totalSenders = 0;
let phaseStart = Number.MAX_SAFE_INTEGER;
let delivered = 0;
let firstAtMs = 0;
let lastAtMs = 0;
let outOfOrder = 0;
let sent = 0;
let sending = false;
let inflight = 1;
let rate = 0;
let sendingSinceMs = 0;
let maxPerSender = 0;
let template = sayTemplate('seed');
let cpuAtStart = process.cpuUsage();

function send(event: WorkerEvent): void {
  process.send?.(event);
}

/** Every text message of a logged-in connection passes here. */
function onBenchMessage(conn: Conn, buf: Buffer, start: number, end: number): void {
  if (conn.searchedBuf !== buf || conn.markerAt < start) {
    conn.searchedBuf = buf;
    conn.markerAt = buf.indexOf(MARKER, start);
    if (conn.markerAt < 0) conn.markerAt = buf.length;
  }
  const at = conn.markerAt;
  if (at >= end) {
    if (isJsonPing(buf, start, end)) conn.client.send(pongs.take());
    return;
  }
  conn.markerAt = -1;
  if (!readMarker(buf, at, end, fields) || fields.micros < phaseStart) return;
  const now = nowMicros();
  if (conn.sid === fields.sender) {
    recordMicros(rtt, now - fields.micros);
    conn.outstanding--;
    if (sending) sendFrom(conn);
    return;
  }
  if (conn.sid >= 0) return;
  conn.count++;
  delivered++;
  recordMicros(latency, now - fields.micros);
  const nowMs = now / 1000;
  if (firstAtMs === 0) firstAtMs = nowMs;
  lastAtMs = nowMs;
  const sender = fields.sender;
  if (sender < totalSenders) {
    if (fields.seq <= conn.lastSeq[sender]!) outOfOrder++;
    conn.lastSeq[sender] = fields.seq;
  }
}

function sendFrom(conn: Conn): void {
  while (
    conn.outstanding < inflight &&
    (maxPerSender === 0 || conn.seq < maxPerSender) &&
    (rate === 0 || conn.seq < ((Date.now() - sendingSinceMs) * rate) / 1000) &&
    conn.client.isOpen
  ) {
    const payload = Buffer.from(template.payload);
    writeMarker(payload, template.markerAt, conn.sid, conn.seq, nowMicros());
    conn.client.send(encodeClientFrame(payload, OP_TEXT));
    conn.seq++;
    conn.outstanding++;
    sent++;
  }
}

async function openOne(cmd: ConnectCommand, sid: number, name: string, room: number): Promise<Conn> {
  const target = parseTargetUrl(cmd.url)!;
  const client = new RawWsClient({ target, localAddress: cmd.localAddress, timeoutMs: cmd.timeoutMs });
  await client.open();
  const conn: Conn = {
    client,
    sid,
    count: 0,
    lastSeq: new Float64Array(sid < 0 ? cmd.totalSenders : 0).fill(-1),
    searchedBuf: null,
    markerAt: -1,
    seq: 0,
    outstanding: 0,
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.close();
      reject(new ClientError('PROTOCOL_ERROR', `login not answered within ${cmd.timeoutMs} ms`));
    }, cmd.timeoutMs);
    client.onClose = (code) => {
      clearTimeout(timer);
      reject(new ClientError('CONNECTION_RESET', `closed before the login was answered (${code})`));
    };
    client.onMessage = (_op, buf, start, end) => {
      const kind = classifyLoginReply(buf, start, end);
      if (kind === 'other') {
        if (isJsonPing(buf, start, end)) client.send(pongs.take());
        return;
      }
      clearTimeout(timer);
      if (kind === 'error') {
        client.close();
        reject(
          new ClientError(
            'PROTOCOL_ERROR',
            `login refused: ${buf.toString('utf8', start, Math.min(end, start + 200))}`,
          ),
        );
        return;
      }
      client.onMessage = (_o, b, s, e) => onBenchMessage(conn, b, s, e);
      client.onClose = (code) => {
        if (code) closed[code] = (closed[code] ?? 0) + 1;
      };
      resolve();
    };
    client.send(encodeClientFrame(Buffer.from(loginMessage(cmd.dialect, name, room))));
  });
  return conn;
}

async function connect(cmd: ConnectCommand): Promise<void> {
  totalSenders = cmd.totalSenders;
  template = sayTemplate(cmd.dialect);
  const rooms = Math.max(1, cmd.rooms);
  const jobs: Array<{ sid: number; name: string; room: number }> = [];
  for (const sid of cmd.senders)
    jobs.push({ sid, name: `${cmd.namePrefix}s${sid}`, room: (sid % rooms) + 1 });
  for (let i = 0; i < cmd.receivers; i++)
    jobs.push({ sid: -1, name: `${cmd.namePrefix}r${i}`, room: ((cmd.firstReceiver + i) % rooms) + 1 });
  const errors: Record<string, number> = {};
  let firstError: string | undefined;
  let opened = 0;
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      try {
        conns.push(await openOne(cmd, job.sid, job.name, job.room));
        opened++;
      } catch (err) {
        const code = err instanceof ClientError ? err.code : 'SOCKET_ERROR';
        errors[code] = (errors[code] ?? 0) + 1;
        firstError ??= `${code}: ${(err as Error).message}`;
        // The target is gone or refusing: no point trying the rest one by one.
        if (code === 'TARGET_UNREACHABLE' || code === 'TOO_MANY_OPEN_FILES') next = jobs.length;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, cmd.concurrency) }, lane));
  send({
    ev: 'connected',
    opened,
    failed: jobs.length - opened,
    errors,
    ...(firstError ? { firstError } : {}),
  });
}

/**
 * Receivers count the phase's messages from here on, whenever this process's own start command
 * arrives: the coordinator starts the senders only once every process has answered 'armed'.
 */
function arm(cmd: ArmCommand): void {
  phaseStart = cmd.startMicros;
  delivered = 0;
  outOfOrder = 0;
  firstAtMs = 0;
  lastAtMs = 0;
  latency.reset();
  cpuAtStart = process.cpuUsage();
  for (const c of conns) {
    c.count = 0;
    c.lastSeq.fill(-1);
  }
  send({ ev: 'armed' });
}

function start(cmd: StartCommand): void {
  inflight = cmd.inflight;
  rate = cmd.rate ?? 0;
  sendingSinceMs = Date.now();
  maxPerSender = cmd.maxPerSender;
  sent = 0;
  rtt.reset();
  const senders = conns.filter((c) => c.sid >= 0);
  for (const c of senders) {
    c.outstanding = 0;
    c.seq = 0;
  }
  sending = true;
  for (const c of senders) sendFrom(c);
  const stopAt = Date.now() + cmd.durationMs;
  const finishAt = stopAt + cmd.drainMs;
  // Paced sending: a 1 ms tick sends whatever fell due (the window still caps what is outstanding).
  const pace = rate > 0 ? setInterval(() => sending && senders.forEach(sendFrom), 1) : undefined;
  const poll = setInterval(() => {
    const now = Date.now();
    const allSent = maxPerSender > 0 && senders.every((c) => c.seq >= maxPerSender || !c.client.isOpen);
    if (sending && (now >= stopAt || allSent)) {
      sending = false;
      clearInterval(pace);
    }
    const unanswered = senders.reduce((n, c) => n + (c.client.isOpen ? c.outstanding : 0), 0);
    if (!sending && (unanswered === 0 || now >= finishAt)) {
      clearInterval(poll);
      send({
        ev: 'sent',
        sent,
        unanswered: senders.reduce((n, c) => n + c.outstanding, 0),
        rtt: encodeHistogram(rtt),
      });
    }
  }, 20);
}

function collect(cmd: CollectCommand): void {
  const receivers = conns.filter((c) => c.sid < 0);
  const giveUpAt = Date.now() + cmd.timeoutMs;
  let lastDelivered = delivered;
  let lastProgress = Date.now();
  const poll = setInterval(() => {
    const now = Date.now();
    if (delivered !== lastDelivered) {
      lastDelivered = delivered;
      lastProgress = now;
    }
    const done = receivers.every((c) => c.count >= cmd.expected);
    if (!done && now < giveUpAt && now - lastProgress < cmd.idleMs) return;
    clearInterval(poll);
    let complete = 0;
    let missing = 0;
    let extra = 0;
    for (const c of receivers) {
      if (c.count === cmd.expected) complete++;
      else if (c.count < cmd.expected) missing += cmd.expected - c.count;
      else extra += c.count - cmd.expected;
    }
    send({
      ev: 'result',
      receivers: receivers.length,
      complete,
      missing,
      extra,
      outOfOrder,
      delivered,
      firstAtMs,
      lastAtMs,
      latency: encodeHistogram(latency),
      closed: { ...closed },
      cpuMs: cpuMillis(process.cpuUsage(cpuAtStart)),
    });
  }, 20);
}

function cpuMillis(usage: NodeJS.CpuUsage): number {
  return Math.round((usage.user + usage.system) / 1000);
}

function closeAll(): void {
  for (const c of conns) c.client.close();
  send({ ev: 'closed' });
  setTimeout(() => process.exit(0), 200).unref();
}

const tick = setInterval(() => {
  send({ ev: 'tick', delivered, sent, open: conns.reduce((n, c) => n + (c.client.isOpen ? 1 : 0), 0) });
}, 500);
tick.unref();

process.on('message', (msg: WorkerCommand) => {
  if (msg.cmd === 'connect') void connect(msg);
  else if (msg.cmd === 'arm') arm(msg);
  else if (msg.cmd === 'start') start(msg);
  else if (msg.cmd === 'collect') collect(msg);
  else if (msg.cmd === 'close') closeAll();
});
// The coordinator is gone (finished, crashed or interrupted): never linger.
process.on('disconnect', () => process.exit(0));
