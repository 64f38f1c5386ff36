// Imports point down (the rules are listed in import-direction.ts). Checked on this tree, and on a
// small tree built here with one wrong import of each kind beside some right ones, so the check is
// known to catch every rule and to let the allowed arrows through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { projectRoot } from '../shared/paths.js';
import { checkImportDirection, productModules } from './import-direction.js';

test('every import in src/ points down: areas, the chat layers, the page, and no test kit in the product', () => {
  const problems = checkImportDirection(projectRoot);
  assert.equal(problems.length, 0, `imports pointing the wrong way:\n${problems.join('\n')}`);
});

test("the product's graph is the one bin/wirechat.js and the page load (forked workers included)", () => {
  const reached = [...productModules(projectRoot).keys()].map((f) =>
    relative(projectRoot, f).split('\\').join('/'),
  );
  for (const module of [
    'src/cli/main.ts',
    'src/cli/serve.ts',
    'src/chat/server.ts',
    'src/chat/cluster/worker-main.ts',
    'src/bench/load-worker.ts',
    'src/wire/decode-capture.ts',
    'src/web/app.ts',
  ]) {
    assert.ok(reached.includes(module), `the product reaches ${module}`);
  }
  assert.deepEqual(
    reached.filter((f) => f.startsWith('src/testing/') || f.endsWith('.test.ts')),
    [],
  );
});

test('the check names one wrong import of each kind and lets the right ones through', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'wirechat-imports-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const leaf = (path: string): void => write(path, 'export const x = 1;\n');
  const importing = (path: string, specifier: string): void =>
    write(path, `import { x } from '${specifier}';\nexport const y = x;\n`);

  write('bin/wirechat.js', "const { main } = await import('../dist/cli/main.js');\nmain();\n");
  write('src/web/index.html', '<script type="module" src="app.js"></script>\n');
  for (const path of [
    'src/shared/format.ts',
    'src/cli/options.ts',
    'src/bench/load.ts',
    'src/demo/session.ts',
    'src/web/style.ts',
    'src/wire/tls/key-store.ts',
    'src/chat/protocol/codec.ts',
    'src/chat/limits/ledger.ts',
    'src/chat/hub/hub.ts',
    'src/chat/cluster/bus.ts',
  ]) {
    leaf(path);
  }
  write('src/testing/kit.ts', "import { helper } from './helper.js';\nexport const kit = helper;\n");
  write('src/testing/helper.ts', 'export const helper = (): void => {};\n');

  // Wrong: the page's code importing from outside src/web, which the browser cannot load.
  importing('src/web/app.ts', '../shared/format.js');
  // Wrong: the product (from bin/wirechat.js) loading a test kit.
  write('src/cli/main.ts', "import { kit } from '../testing/kit.js';\nexport const main = kit;\n");
  // Wrong: the decoder reaching up into the commands (a type-only import is still an arrow).
  write('src/wire/decode.ts', "import type { x } from '../cli/options.js';\nexport type O = typeof x;\n");
  // Wrong even in a test: a chat test importing a benchmark.
  importing('src/chat/load.test.ts', '../bench/load.js');
  // Wrong: a shared helper forking a test kit by its path.
  write('src/shared/fork.ts', "export const path = new URL('../testing/kit.js', import.meta.url);\n");
  // Wrong: a shared helper importing the decoder (shared imports nothing outside itself).
  write('src/shared/keys.ts', "export const load = () => import('../wire/tls/key-store.js');\n");
  // Wrong: the chat importing the decoder, and the page.
  importing('src/chat/transport/keylog.ts', '../../wire/tls/key-store.js');
  importing('src/chat/transport/assets.ts', '../../web/style.js');
  // Wrong: a benchmark importing the demo; the demo importing a command.
  importing('src/bench/latency.ts', '../demo/session.js');
  importing('src/demo/run.ts', '../cli/options.js');
  // Wrong: the decoder taking more of the chat than its dialect codecs.
  importing('src/wire/annotate/meaning.ts', '../../chat/hub/hub.js');
  // Wrong: a chat layer importing one above it, and one of its own layer.
  importing('src/chat/broker/ipc-broker.ts', '../cluster/bus.js');
  importing('src/chat/store/history.ts', '../limits/ledger.js');
  importing('src/chat/server.ts', './cluster/bus.js');

  // Right: a decoder test using a kit; the decoder reading the chat's codecs; a test crossing the
  // chat's layers and the areas; arrows down the chat's layers; a command using everything below.
  importing('src/wire/decode.test.ts', '../testing/kit.js');
  importing('src/wire/annotate/chat.ts', '../../chat/protocol/codec.js');
  importing('src/chat/hub/hub.test.ts', '../cluster/bus.js');
  importing('src/chat/transport/keylog.test.ts', '../../wire/tls/key-store.js');
  importing('src/shared/format.test.ts', '../testing/kit.js');
  importing('src/chat/cluster/relay.ts', '../broker/ipc-broker.js');
  importing('src/chat/backends.ts', './store/history.js');
  importing('src/chat/hub/room.ts', '../limits/ledger.js');
  importing('src/cli/serve.ts', '../chat/server.js');

  const why = (file: string, specifier: string, target: string, reason: string): string =>
    `src/${file} imports '${specifier}' (src/${target}): ${reason}`;
  assert.deepEqual(checkImportDirection(root).sort(), [
    why('bench/latency.ts', '../demo/session.js', 'demo/session.ts', 'src/bench may not import src/demo'),
    why(
      'chat/broker/ipc-broker.ts',
      '../cluster/bus.js',
      'chat/cluster/bus.ts',
      'src/chat/broker may not import src/chat/cluster (a layer above)',
    ),
    why('chat/load.test.ts', '../bench/load.js', 'bench/load.ts', 'src/chat may not import src/bench'),
    why(
      'chat/server.ts',
      './cluster/bus.js',
      'chat/cluster/bus.ts',
      'src/chat/*.ts may not import src/chat/cluster (a layer above)',
    ),
    why(
      'chat/store/history.ts',
      '../limits/ledger.js',
      'chat/limits/ledger.ts',
      'src/chat/store may not import src/chat/limits (its own layer)',
    ),
    why('chat/transport/assets.ts', '../../web/style.js', 'web/style.ts', 'src/chat may not import src/web'),
    why(
      'chat/transport/keylog.ts',
      '../../wire/tls/key-store.js',
      'wire/tls/key-store.ts',
      'src/chat may not import src/wire',
    ),
    why(
      'cli/main.ts',
      '../testing/kit.js',
      'testing/kit.ts',
      'the product loads a test kit (src/cli/main.ts → src/testing/kit.ts)',
    ),
    why('demo/run.ts', '../cli/options.js', 'cli/options.ts', 'src/demo may not import src/cli'),
    why('shared/fork.ts', '../testing/kit.js', 'testing/kit.ts', 'src/shared may not import src/testing'),
    why(
      'shared/keys.ts',
      '../wire/tls/key-store.js',
      'wire/tls/key-store.ts',
      'src/shared imports nothing outside src/shared',
    ),
    why('web/app.ts', '../shared/format.js', 'shared/format.ts', 'the page is served from src/web alone'),
    why(
      'wire/annotate/meaning.ts',
      '../../chat/hub/hub.js',
      'chat/hub/hub.ts',
      'src/wire may import from src/chat only src/chat/protocol (the dialect codecs)',
    ),
    why('wire/decode.ts', '../cli/options.js', 'cli/options.ts', 'src/wire may not import src/cli'),
  ]);
});
