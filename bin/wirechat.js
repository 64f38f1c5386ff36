#!/usr/bin/env node
// Entry point of the `wirechat` command: the compiled CLI lives in dist/. The decoding commands
// start from their one-file bundle when the build made one (dist/cli/command-bundle.js says why);
// every other command, and those without a bundle, go through the dispatcher, main.js.
// A Ctrl-C in the first moments (while the CLI loads) is held for the decoding commands, so they
// still end with their summary; stop-signals.js is tiny and loads first for that reason.
import { runBundled } from '../dist/cli/command-bundle.js';

const argv = process.argv.slice(2);
let done;
try {
  done = runBundled(argv[0] ?? '', argv.slice(1));
} catch (err) {
  done = Promise.reject(err);
}
if (done === undefined) {
  if (['read', 'capture', 'tap', 'demo'].includes(argv[0] ?? '')) {
    const { holdStopSignals } = await import('../dist/cli/stop-signals.js');
    holdStopSignals();
  }
  const { main } = await import('../dist/cli/main.js');
  done = main(argv);
}

done.then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    console.error(`wirechat: internal error: ${err && err.stack ? err.stack : err}`);
    process.exitCode = 70;
  },
);
