// `npm run bench`: the reference fan-out measurement — 1000 receivers, 1 sender, 32 in flight,
// the chat server and both baselines one after another in the same run. Extra arguments are
// passed on (e.g. `npm run bench -- --duration 5 --json`). It runs `wirechat bench fanout` itself
// (bin/wirechat.js), so the CLI stays the one place that parses a bench command.
import { spawn } from 'node:child_process';
import { wirechatBin } from '../shared/paths.js';

const args = [
  'bench',
  'fanout',
  '--target',
  'all',
  '--receivers',
  '1000',
  '--senders',
  '1',
  '--inflight',
  '32',
  '--duration',
  '10',
];
const child = spawn(process.execPath, [wirechatBin, ...args, ...process.argv.slice(2)], { stdio: 'inherit' });
// Ctrl-C reaches the whole process group: the bench stops its servers and reports; so do we after it.
process.on('SIGINT', () => {});
child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 1)));
