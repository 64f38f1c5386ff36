#!/usr/bin/env node
// Entry point of the `wirechat` command: the compiled CLI lives in dist/.
// A Ctrl-C in the first moments (while the CLI loads) is held for the decoding commands, so they
// still end with their summary; stop-signals.js is tiny and loads first for that reason.
import { holdStopSignals } from '../dist/cli/stop-signals.js';

if (['read', 'capture', 'tap', 'demo'].includes(process.argv[2] ?? '')) holdStopSignals();
const { main } = await import('../dist/cli/main.js');

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    console.error(`wirechat: internal error: ${err && err.stack ? err.stack : err}`);
    process.exitCode = 70;
  },
);
