// `npm run bench`: the reference fan-out measurement — 1000 receivers, 1 sender, 32 in flight,
// the chat server and both baselines one after another in the same run. Extra arguments are
// passed on (e.g. `npm run bench -- --duration 5 --json`).
import { run } from '../cli/bench.js';
import { formatUserError } from '../shared/errors.js';

const args = [
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
run([...args, ...process.argv.slice(2)]).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const message = formatUserError(err);
    if (message === undefined) throw err;
    process.stderr.write(`bench: ${message}\n`);
    process.exit(1);
  },
);
