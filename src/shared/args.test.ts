import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatHelp, parseCommandArgs, intOption, type CommandSpec } from './args.js';
import { UsageError } from './errors.js';

const spec: CommandSpec = {
  name: 'demo',
  usage: '[options]',
  summary: 'a demo command',
  options: {
    port: { type: 'string', value: 'PORT', description: 'port', env: 'DEMO_PORT', default: '7272' },
    verbose: { type: 'boolean', short: 'v', description: 'chatty' },
  },
};

test('defaults, environment and flags are applied in that order of precedence', () => {
  assert.equal(parseCommandArgs(spec, [], {})?.values.port, '7272');
  assert.equal(parseCommandArgs(spec, [], { DEMO_PORT: '9000' })?.values.port, '9000');
  assert.equal(parseCommandArgs(spec, ['--port', '1'], { DEMO_PORT: '9000' })?.values.port, '1');
});

test('an unknown option is a usage error naming the command', () => {
  assert.throws(
    () => parseCommandArgs(spec, ['--nope'], {}),
    (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.match(err.message, /--nope/);
      assert.match(err.message, /wirechat demo --help/);
      return true;
    },
  );
});

test('intOption rejects out-of-range and non-numeric values', () => {
  assert.equal(intOption({ port: '80' }, 'port', 1, 65535), 80);
  assert.throws(() => intOption({ port: '0' }, 'port', 1, 65535), UsageError);
  assert.throws(() => intOption({ port: '12ab' }, 'port', 1, 65535), UsageError);
});

test('help shows a one-letter option as tcpdump does (-A), and every description in one column', () => {
  const help = formatHelp({
    ...spec,
    options: {
      ...spec.options,
      A: { type: 'boolean', short: 'A', description: 'ASCII' },
      'time-stamp-precision': { type: 'string', value: 'micro|nano', description: 'digits' },
    },
  });
  const lines = help.split('\n').filter((l) => l.startsWith('  -'));
  assert.ok(
    lines.some((l) => /^ {2}-A +ASCII$/.test(l)),
    help,
  );
  assert.doesNotMatch(help, /--A\b/);
  const columns = new Set(lines.map((l) => /^ {2}\S.*?\s{2,}(?=\S)/.exec(l)![0].length));
  assert.equal(columns.size, 1, help);
});
