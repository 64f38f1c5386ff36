// The history attack against `wirechat serve --workers 1`: a room of 100 messages of 4,000 CJK
// characters, then CONNS workerman-dialect connections each asking for `{"type":"history",
// "limit":100}` RATE times a second for SECONDS, while a legitimate user measures the round trip
// of its own messages. Prints the server's CPU seconds, bytes of history sent, and the round trip.
// Run after `npm run build`:  node scripts/history-attack.js [CONNS=5] [RATE=19] [SECONDS=20]
// Extra server options through the environment (WIRECHAT_HISTORY_RATE=0 …).
import { readFileSync } from 'node:fs';
import { WebSocket } from 'ws';
import { sleep, startServer } from './attack-server.js';

const [conns, rate, seconds] = [5, 19, 20].map((d, i) => Number(process.argv[2 + i] ?? d));
const { server, wsPort } = await startServer(1);
/** CPU seconds the server used so far (user + system, from /proc). */
const cpuSeconds = () => {
  const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const connect = () =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${wsPort}/`);
    ws.once('open', () => resolve(ws)).once('error', reject);
  });
const open = async (login) => {
  for (let tries = 0; ; tries++) {
    try {
      const ws = await connect();
      ws.send(JSON.stringify(login));
      return ws;
    } catch (err) {
      if (tries > 100) throw err; // the server did not start within ~10 s
      await sleep(100);
    }
  }
};
const writer = await open({ type: 'join', name: 'writer', room: 'big' });
const cjk = '漢'.repeat(3999);
for (let i = 0; i < 100; i++) {
  writer.send(JSON.stringify({ type: 'send', to: 'all', text: `${i % 10}${cjk}` }));
  if (i % 10 === 9) await sleep(600); // under --rate
}
await sleep(500);
const legit = await open({ type: 'join', name: 'legit', room: 'quiet' });
const trips = [];
let sentAt = 0;
legit.on('message', (data) => {
  if (String(data).includes('"type":"message"')) trips.push(Date.now() - sentAt);
});
let historyBytes = 0;
const codes = new Map();
const attackers = [];
for (let i = 0; i < conns; i++) {
  const ws = await open({ type: 'login', client_name: `atk${i}`, room_id: 'big' });
  ws.on('message', (data) => {
    const text = String(data);
    if (text.startsWith('{"type":"history"')) historyBytes += data.length;
    else if (text.startsWith('{"type":"error"')) {
      const { code } = JSON.parse(text);
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
  });
  attackers.push(setInterval(() => ws.send('{"type":"history","limit":100}'), 1000 / rate));
}
const cpuBefore = cpuSeconds();
const end = Date.now() + seconds * 1000;
while (Date.now() < end) {
  sentAt = Date.now();
  legit.send('{"type":"send","to":"all","text":"ping"}');
  await sleep(500);
}
for (const timer of attackers) clearInterval(timer);
const cpu = cpuSeconds() - cpuBefore;
trips.sort((a, b) => a - b);
const p95 = trips[Math.floor(trips.length * 0.95)] ?? -1;
console.log(
  JSON.stringify({
    serverCpuSeconds: +cpu.toFixed(2),
    seconds,
    historyMB: +(historyBytes / 1e6).toFixed(1),
    codes: Object.fromEntries(codes),
    roundTripP95Ms: p95,
    roundTripMaxMs: trips.at(-1),
  }),
);
server.kill('SIGTERM');
process.exit(0);
