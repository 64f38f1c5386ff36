// The decoding commands' bundle (dist/bundle/decode.cjs): it holds exactly the modules read,
// capture and tap can load, dynamic imports included; it is what the build script makes of
// dist/ as it is now; its code cache is taken; it is what `wirechat read` runs; and it says and
// writes byte for byte what the modules themselves do, in every view, with a key log, and for a
// user's mistakes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fixturesDir, projectRoot } from '../shared/paths.js';
import { isRelative, reachFrom, specifiersOf } from '../testing/module-graph.js';
import { available, recordWssSession } from '../testing/wire/wss-recording-kit.js';
import {
  bundleFile,
  bundlePath,
  bundledCommands,
  cachePath,
  isCurrent,
  loadBundle,
} from './command-bundle.cjs';

const dist = join(projectRoot, 'dist');
const cli = join(projectRoot, 'bin', 'wirechat.js');
const seed = join(fixturesDir, 'workerman-2014-seed-session.pcap');
const deflate = join(fixturesDir, 'ws-midstream-deflate.pcap');
const pcapng = join(fixturesDir, 'ws-echo-any-dumpcap.pcapng');

interface BuildScript {
  bundleText(distDir: string, commands: readonly string[]): string;
  bundleEntries(commands: readonly string[]): string[];
  writeBundle(distDir: string): Promise<void>;
}
const buildScript = async (): Promise<BuildScript> =>
  (await import(pathToFileURL(join(projectRoot, 'scripts', 'bundle-commands.js')).href)) as BuildScript;

/** Every dist module `entries` reach by static or dynamic relative imports, as ids under dist/. */
function reachable(entries: string[]): string[] {
  const edges = (id: string): string[] =>
    specifiersOf(readFileSync(join(dist, id), 'utf8'))
      .filter(isRelative)
      .map((s) => new URL(s, `file:///${id}`).pathname.slice(1));
  return [...reachFrom(entries, edges).keys()].sort();
}

function wirechat(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { stdout: Buffer; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [cli, ...args], {
    env: { ...process.env, NO_COLOR: '1', WIRECHAT_KEYLOG: '', ...env },
    maxBuffer: 64 << 20,
  });
  return { stdout: r.stdout, stderr: r.stderr.toString(), status: r.status };
}

/** The same command from its bundle and from the modules: the same bytes out, errors and status. */
function assertSameBothWays(args: string[]): Buffer {
  const bundled = wirechat(args);
  const modules = wirechat(args, { WIRECHAT_BUNDLE: '0' });
  assert.equal(bundled.status, modules.status, `${args.join(' ')}: ${bundled.stderr}`);
  assert.equal(bundled.stderr, modules.stderr, args.join(' '));
  assert.ok(bundled.stdout.equals(modules.stdout), `${args.join(' ')}: stdout differs`);
  return bundled.stdout;
}

test('the bundle holds exactly the modules read, capture and tap can load, dynamic imports included', async () => {
  assert.deepEqual([...bundledCommands].sort(), ['capture', 'read', 'tap']);
  for (const command of bundledCommands) assert.equal(bundlePath(command), bundleFile());
  const { bundle } = loadBundle(bundleFile());
  const entries = (await buildScript()).bundleEntries(bundledCommands);
  assert.deepEqual([...bundle.modules].sort(), reachable(entries));
  // Modules only some runs use (the html view, a live capture's tcpdump) are in it all the same.
  assert.ok(bundle.modules.includes('wire/render/html-ladder.js'));
  assert.ok(bundle.modules.includes('wire/source/live-capture.js'));
  assert.equal(bundlePath('serve'), undefined);
  assert.equal(bundlePath('demo'), undefined);
  assert.equal(bundlePath('read', { WIRECHAT_BUNDLE: '0' }), undefined);
});

test('the bundle on disk is what the build script makes of dist/ now, and its code cache is taken', async () => {
  const { bundleText } = await buildScript();
  assert.equal(readFileSync(bundleFile(), 'utf8'), bundleText(dist, bundledCommands));
  const { bundle, cache } = loadBundle(bundleFile());
  assert.equal(cache, 'used');
  assert.equal(loadBundle(bundleFile(), false).cache, 'none');
  // Stack traces (and profiles) name the bundle as it is, not the build's trial copy.
  assert.throws(
    () => bundle.load('no/such/module.js'),
    (err: Error) => err.stack!.includes(`${bundleFile()}:`) && !err.stack!.includes('.tmp'),
  );
});

test('a code cache is only offered to the bundle text it was made from', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-bundle-cache-'));
  try {
    const copy = join(dir, 'decode.cjs');
    const text = readFileSync(bundleFile(), 'utf8');
    const cache = readFileSync(cachePath(bundleFile()));
    // The same length, another content (as an edited bundle could be): V8 alone would take it.
    writeFileSync(
      copy,
      text.replace(
        /^(\/\/ wirechat bundle )(.)/,
        (_m, head: string, c: string) => head + (c === '0' ? '1' : '0'),
      ),
    );
    writeFileSync(cachePath(copy), cache);
    const other = loadBundle(copy);
    assert.equal(other.cache, 'none');
    assert.ok(other.bundle.modules.includes('cli/read.js'));
    // A cache V8 refuses (damaged) is no error either: the bundle is compiled as usual.
    writeFileSync(copy, text);
    writeFileSync(
      cachePath(copy),
      Buffer.concat([cache.subarray(0, text.indexOf('\n') + 1), Buffer.alloc(64, 7)]),
    );
    const refused = loadBundle(copy);
    assert.equal(refused.cache, 'rejected');
    assert.ok(refused.bundle.modules.includes('cli/read.js'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A dist/ of its own: the real loader and run-command, and the three commands as given. */
function fakeDist(commands: Record<string, string>): string {
  const fake = mkdtempSync(join(tmpdir(), 'wirechat-bundle-dist-'));
  for (const file of ['cli/command-bundle.cjs', ...reachable(['cli/run-command.js'])]) {
    mkdirSync(dirname(join(fake, file)), { recursive: true });
    copyFileSync(join(dist, file), join(fake, file));
  }
  for (const [name, text] of Object.entries(commands)) writeFileSync(join(fake, 'cli', `${name}.js`), text);
  return fake;
}

test('the build script: module syntax CommonJS cannot carry fails the build and leaves no bundle', async () => {
  const { writeBundle, bundleText } = await buildScript();
  const ok = 'export async function run() { return 0; }\n';
  const awaits = fakeDist({ read: `await Promise.resolve();\n${ok}`, capture: ok, tap: ok });
  const meta = fakeDist({ read: `export const where = import.meta.dirname;\n${ok}`, capture: ok, tap: ok });
  const good = fakeDist({
    read: `export const url = import.meta.url;\nexport const late = (name) => import(name);\n${ok}`,
    capture: ok,
    tap: ok,
  });
  try {
    await assert.rejects(writeBundle(awaits), /await is only valid in async functions/);
    assert.deepEqual(readdirSync(join(awaits, 'bundle')), []);
    assert.throws(
      () => bundleText(meta, bundledCommands),
      /import\.meta is used other than as import\.meta\.url/,
    );
    // A module's import.meta.url is the URL it has in dist/.
    await writeBundle(good);
    const { bundle, cache } = loadBundle(join(good, 'bundle', 'decode.cjs'));
    assert.equal(cache, 'used');
    const read = bundle.load('cli/read.js') as { url: string; late(name: string): Promise<unknown> };
    assert.equal(read.url, pathToFileURL(join(good, 'cli', 'read.js')).href);
    // A module named only at run time is not in the bundle, and the error says which.
    await assert.rejects(
      read.late('./elsewhere.js'),
      /cli\/read\.js imports '\.\/elsewhere\.js', which the bundle does not hold/,
    );
    assert.ok(await read.late('node:path'));
  } finally {
    for (const dir of [awaits, meta, good]) rmSync(dir, { recursive: true, force: true });
  }
});

test('a bundle older than the last tsc build is not run, nor a missing one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-bundle-age-'));
  try {
    const [bundle, record] = [join(dir, 'decode.cjs'), join(dir, '.tsbuildinfo')];
    assert.equal(isCurrent(bundle, record), false);
    writeFileSync(bundle, '');
    assert.equal(isCurrent(bundle, record), true, 'no build record (the package): the bundle runs');
    writeFileSync(record, '');
    utimesSync(bundle, new Date(1_000_000), new Date(1_000_000));
    assert.equal(isCurrent(bundle, record), false, 'tsc ran after the bundle was made');
    utimesSync(bundle, new Date(), new Date(Date.now() + 10_000));
    assert.equal(isCurrent(bundle, record), true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("wirechat read runs from its bundle: no ES module is loaded, the decoder's least of all", () => {
  // A loader hook in the child lists every file the module loader loads, with its format. (With a
  // hook registered, Node hands it the CommonJS entry point too.)
  const hook = `data:text/javascript,${encodeURIComponent(
    "import { register } from 'node:module';" +
      'register(\'data:text/javascript,import { writeSync } from "node:fs";' +
      'export async function load(url, context, next) { const r = await next(url, context); if (url.startsWith("file:")) writeSync(2, "loaded " + r.format + " " + url + "\\\\n"); return r; }\');',
  )}`;
  const loaded = (env: NodeJS.ProcessEnv): string[] => {
    const r = spawnSync(process.execPath, ['--import', hook, cli, 'read', '-q', '--format', 'jsonl', seed], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    return [...r.stderr.matchAll(/^loaded (\S+) file:\/\/(.*)$/gm)].map(
      (m) => `${m[1]} ${m[2]!.slice(projectRoot.length + 1)}`,
    );
  };
  assert.deepEqual(loaded({}), ['commonjs bin/wirechat.js']);
  const unbundled = loaded({ WIRECHAT_BUNDLE: '0' });
  assert.ok(unbundled.includes('module dist/wire/decode-capture.js'), unbundled.join('\n'));
  assert.ok(unbundled.includes('module dist/cli/main.js'));
});

test('bundled and unbundled, read says the same in every view and filter', () => {
  for (const file of [seed, deflate, pcapng]) {
    for (const view of [
      ['--format', 'jsonl'],
      ['--format', 'jsonl', '--events', 'ws.message'],
      ['--format', 'text'],
      ['--format', 'text', '--full'],
      ['--format', 'tcpdump', '-X'],
      ['--format', 'html'],
    ]) {
      const out = assertSameBothWays(['read', ...view, file]);
      assert.ok(out.length > 0, `${view.join(' ')} ${file}: some output`);
    }
  }
});

test('bundled and unbundled, a user mistake is the same one line and exit status', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-bundle-'));
  try {
    for (const args of [
      ['read', join(dir, 'missing.pcap')],
      ['read', '--bogus', seed],
      ['read', '--format', 'xml', seed],
      ['read', '--keylog', join(dir, 'missing.keys'), seed],
      ['read', '--help'],
      ['capture', '--help'],
      ['tap', '--help'],
      ['tap', '--listen', 'x'],
    ]) {
      assertSameBothWays(args);
    }
    const r = wirechat(['read', join(dir, 'missing.pcap')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^wirechat read: .*no such file\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  'bundled and unbundled, a wss capture decrypts the same with --keylog',
  { timeout: 60_000 },
  async (t) => {
    if (!available('tcpdump')) {
      t.skip('tcpdump is not installed');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'wirechat-bundle-wss-'));
    try {
      const { pcap, keylog } = await recordWssSession(dir, ['bundled secret']);
      for (const format of ['jsonl', 'text', 'html']) {
        const out = assertSameBothWays(['read', '--format', format, '--keylog', keylog, pcap]);
        assert.match(out.toString(), /bundled secret/, format);
      }
      // Without the keys, the same handshake is explained and the same problem reported.
      const blind = assertSameBothWays(['read', '--format', 'jsonl', pcap]);
      assert.match(blind.toString(), /TLS_NO_KEYS/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
