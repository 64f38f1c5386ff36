// Imports point down: src/wire, src/chat, src/shared and src/web never import src/cli, src/demo,
// src/bench or src/testing (their tests may use src/testing), the page imports nothing from
// outside src/web, and nothing the product loads is a test kit. Checked on this tree, and on a
// small tree built here with one wrong import of each kind, so the check is known to catch them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { projectRoot } from '../shared/paths.js';
import { checkImportDirection, productModules } from './import-direction.js';

test('no module under src/wire, src/chat, src/shared or src/web imports upward, the page stays in src/web, and the product loads no test kit', () => {
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

test('the check names each wrong import: upward from a lower area, out of the page, and a test kit loaded by the product', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'wirechat-imports-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write('bin/wirechat.js', "const { main } = await import('../dist/cli/main.js');\nmain();\n");
  write('src/web/index.html', '<script type="module" src="app.js"></script>\n');
  // Wrong: the page's code importing from outside src/web, which the browser cannot load.
  write('src/web/app.ts', "import { format } from '../shared/format.js';\nformat();\n");
  write('src/shared/format.ts', 'export const format = (): string => "";\n');
  write('src/cli/main.ts', "import { kit } from '../testing/kit.js';\nexport const main = kit;\n");
  write('src/cli/options.ts', 'export const options = {};\n');
  write('src/testing/kit.ts', "import { helper } from './helper.js';\nexport const kit = helper;\n");
  write('src/testing/helper.ts', 'export const helper = (): void => {};\n');
  write('src/bench/load.ts', 'export const load = 1;\n');
  // Wrong: the decoder reaching up into the commands (a type-only import is still an arrow).
  write(
    'src/wire/decode.ts',
    "import type { options } from '../cli/options.js';\nexport type O = typeof options;\n",
  );
  // Allowed: a test of the decoder using a test kit.
  write('src/wire/decode.test.ts', "import { kit } from '../testing/kit.js';\nkit();\n");
  // Wrong even in a test: a chat test importing a benchmark.
  write('src/chat/load.test.ts', "import { load } from '../bench/load.js';\nconsole.log(load);\n");
  // Wrong: a shared helper forking a test kit by its path.
  write('src/shared/fork.ts', "export const path = new URL('../testing/kit.js', import.meta.url);\n");

  assert.deepEqual(checkImportDirection(root).sort(), [
    "src/chat/load.test.ts imports '../bench/load.js' (src/bench/load.ts): src/chat may not import src/bench",
    "src/cli/main.ts imports '../testing/kit.js' (src/testing/kit.ts): the product loads a test kit " +
      '(src/cli/main.ts → src/testing/kit.ts)',
    "src/shared/fork.ts imports '../testing/kit.js' (src/testing/kit.ts): src/shared may not import src/testing",
    "src/web/app.ts imports '../shared/format.js' (src/shared/format.ts): the page is served from src/web alone",
    "src/wire/decode.ts imports '../cli/options.js' (src/cli/options.ts): src/wire may not import src/cli",
  ]);
});
