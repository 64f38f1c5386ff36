#!/usr/bin/env node
// Entry point of the `wirechat` command: the compiled CLI lives in dist/.
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    console.error(`wirechat: internal error: ${err && err.stack ? err.stack : err}`);
    process.exitCode = 70;
  },
);
