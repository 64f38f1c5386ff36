#!/usr/bin/env node
// Entry point of the `wirechat` command: the compiled CLI lives in dist/. This file is CommonJS
// (bin/package.json says so): a process started from a CommonJS file skips setting up the ES
// module loader, a few ms of every short run. The decoding commands run from their bundle when
// the build made one (dist/cli/command-bundle.cjs says why); every other command, and those
// without a bundle, go through the dispatcher, main.js, an ES module.
// A Ctrl-C in the first moments (while the CLI loads) is held for the decoding commands, so they
// still end with their summary; stop-signals.js is tiny and loads first for that reason.
'use strict';
const { runBundled } = require('../dist/cli/command-bundle.cjs');

async function start(argv) {
  const bundled = runBundled(argv[0] ?? '', argv.slice(1));
  if (bundled !== undefined) return bundled;
  if (['read', 'capture', 'tap', 'demo'].includes(argv[0] ?? '')) {
    const { holdStopSignals } = await import('../dist/cli/stop-signals.js');
    holdStopSignals();
  }
  const { main } = await import('../dist/cli/main.js');
  return main(argv);
}

start(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    console.error(`wirechat: internal error: ${err && err.stack ? err.stack : err}`);
    process.exitCode = 70;
  },
);
