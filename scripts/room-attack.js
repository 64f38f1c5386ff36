// The room attack against `wirechat serve --workers 2` with its defaults: CONNS connections each
// hop to a fresh room once a second and say "m" every 56 ms for SECONDS, then leave; the resident
// memory of the whole process group (primary + workers) is printed every 5 s during the attack
// and every 15 s for AFTER seconds after it. Run after `npm run build`:
//   node scripts/room-attack.js [CONNS=1000] [SECONDS=40] [AFTER=60]
// Extra server options through the environment (WIRECHAT_ROOM_EXPIRY=10 …).
import { execFileSync } from 'node:child_process';
import { WebSocket } from 'ws';
import { sleep, startServer } from './attack-server.js';

const [conns, seconds, after] = [1000, 40, 60].map((d, i) => Number(process.argv[2 + i] ?? d));
const { server, wsPort } = await startServer(2);
/** Resident MB of the primary and its workers. */
const groupMb = () => {
  const out = execFileSync('ps', ['-o', 'rss=', '--pid', String(server.pid), '--ppid', String(server.pid)]);
  const kb = String(out).trim().split(/\s+/).map(Number);
  return Math.round(kb.reduce((a, b) => a + b, 0) / 1024);
};
await sleep(3000);
const start = groupMb();
console.log(`start: ${start} MB`);
let rooms = 0;
const codes = new Map();
const clients = [];
for (let i = 0; i < conns; i++) {
  const ws = new WebSocket(`ws://127.0.0.1:${wsPort}/`);
  const join = () => ws.send(JSON.stringify({ type: 'join', name: `a${i}`, room: `attack-${rooms++}` }));
  ws.on('error', () => {});
  ws.on('message', (data) => {
    const text = String(data);
    if (text.startsWith('{"type":"error"')) {
      const { code } = JSON.parse(text);
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
  });
  ws.on('open', () => {
    join();
    ws.timers = [
      setInterval(join, 1000),
      setInterval(() => ws.send('{"type":"send","to":"all","text":"m"}'), 56),
    ];
  });
  clients.push(ws);
  if (i % 50 === 49) await sleep(20);
}
let peak = start;
for (let t = 5; t <= seconds; t += 5) {
  await sleep(5000);
  const mb = groupMb();
  peak = Math.max(peak, mb);
  console.log(`attack ${t} s: ${mb} MB, ${rooms} rooms made`);
}
for (const ws of clients) {
  for (const timer of ws.timers ?? []) clearInterval(timer);
  ws.terminate();
}
console.log('error codes seen:', Object.fromEntries(codes));
let end = peak;
for (let t = 15; t <= after; t += 15) {
  await sleep(15000);
  end = groupMb();
  console.log(`after ${t} s: ${end} MB`);
}
console.log(
  JSON.stringify({ startMb: start, peakMb: peak, endMb: end, growthMb: peak - start, leftMb: end - start }),
);
server.kill('SIGTERM');
