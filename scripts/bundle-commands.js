// Writes one file for the decoding commands (dist/bundle/decode.cjs, for read, capture and tap):
// their modules, as tsc built them in dist/, turned into CommonJS functions by TypeScript's own
// transpiler and kept in one script with a small module table. Node 20 spends most of a
// short `wirechat read` resolving, reading, compiling and linking ~120 ES modules one by one;
// one script of the same code starts in a fraction of that (see BENCHMARKS.md).
//
// What makes it safe: TypeScript does the ESM → CommonJS rewrite (imports, exports, live
// bindings, dynamic import()), not text edits; every module keeps its own scope and runs in the
// same order as under ESM (dependencies first, in import order); `import.meta.url` becomes the
// URL the module has in dist/, so files beside it (the html page's assets) are found the same;
// bare imports (node:*) are left to Node's require. A construct this can't carry (another
// `import.meta` property, a top-level await) fails the build instead of changing behaviour.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

/** The modules the bundle starts from (paths in dist/): the loader's list of commands
 * (src/cli/command-bundle.cts, read from the build itself) and what runs them. */
export const bundleEntries = (commands) => ['cli/run-command.js', ...commands.map((c) => `cli/${c}.js`)];

const isRelative = (specifier) => specifier.startsWith('./') || specifier.startsWith('../');

/** `import.meta.url` → the module's own URL, passed in as `__moduleUrl`; any other use is refused. */
function importMetaUrl(id) {
  return (context) => {
    const isImportMeta = (node) =>
      ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword;
    const visit = (node) => {
      if (ts.isPropertyAccessExpression(node) && isImportMeta(node.expression) && node.name.text === 'url')
        return context.factory.createIdentifier('__moduleUrl');
      // Any other import.meta (its other properties, or the object itself) is refused.
      if (isImportMeta(node)) throw new Error(`${id}: import.meta is used other than as import.meta.url`);
      return ts.visitEachChild(node, visit, context);
    };
    return (file) => ts.visitNode(file, visit);
  };
}

/** One dist module as the body of a CommonJS function, and whether it reads its own URL. */
const transpiled = new Map();
function transpile(id, text) {
  const key = `${id}\0${text}`;
  if (!transpiled.has(key)) transpiled.set(key, transpileOnce(id, text));
  return transpiled.get(key);
}

function transpileOnce(id, text) {
  const out = ts.transpileModule(text, {
    fileName: id,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      removeComments: true,
      sourceMap: false,
    },
    transformers: { before: [importMetaUrl(id)] },
  });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const why = errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('; ');
    throw new Error(`${id}: ${why}`);
  }
  const body = out.outputText.replace(/^\/\/# sourceMappingURL=.*$/gm, '');
  return { body, usesUrl: /\b__moduleUrl\b/.test(body) };
}

/**
 * The modules reached from `entries` by static and dynamic relative imports, dependencies
 * before the modules that import them, each with its relative specifiers mapped to module ids.
 */
export function moduleGraph(distDir, entries) {
  const seen = new Set();
  const modules = [];
  const visit = (id) => {
    if (seen.has(id)) return;
    seen.add(id);
    const text = readFileSync(posix.join(distDir, id), 'utf8');
    const imports = {};
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      if (!isRelative(fileName)) continue;
      imports[fileName] = posix.join(posix.dirname(id), fileName);
      visit(imports[fileName]);
    }
    modules.push({ id, text, imports });
  };
  for (const entry of entries) visit(entry);
  return modules;
}

/** The table and loader every bundle starts with: CommonJS's own rules, one function per module. */
const prologue = `'use strict';
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');
const dist = join(__dirname, '..');
const defined = new Map();
const loaded = new Map();
function define(id, imports, usesUrl, factory) {
  defined.set(id, { imports, usesUrl, factory });
}
function load(id) {
  const done = loaded.get(id);
  if (done) return done.exports;
  const def = defined.get(id);
  if (!def) throw new Error('wirechat bundle: no module ' + id);
  const module = { exports: {} };
  loaded.set(id, module);
  const local = (specifier) => {
    if (Object.hasOwn(def.imports, specifier)) return load(def.imports[specifier]);
    // A module named at run time only (import(variable)) was not seen by the build: say so.
    if (specifier.startsWith('.')) throw new Error('wirechat bundle: ' + id + " imports '" + specifier + "', which the bundle does not hold");
    return require(specifier);
  };
  def.factory(module.exports, local, module, def.usesUrl ? pathToFileURL(join(dist, id)).href : undefined);
  return module.exports;
}
`;

/** The text of the bundle of `commands`. */
export function bundleText(distDir, commands) {
  const modules = moduleGraph(distDir, bundleEntries(commands));
  const parts = [prologue];
  for (const { id, text, imports } of modules) {
    const { body, usesUrl } = transpile(id, text);
    parts.push(
      `define(${JSON.stringify(id)}, ${JSON.stringify(imports)}, ${usesUrl}, function (exports, require, module, __moduleUrl) {\n${body}});\n`,
    );
  }
  parts.push(`module.exports = { load, modules: ${JSON.stringify(modules.map((m) => m.id))} };\n`);
  const body = parts.join('');
  // The first line names the content: the loader offers the code cache to this text only.
  return `// wirechat bundle ${createHash('sha256').update(body).digest('hex')}\n${body}`;
}

/** The capture the warm-up reads: small, and every view has something to show of it. */
const warmUpCapture = fileURLToPath(
  new URL('../test-data/fixtures/workerman-2014-seed-session.pcap', import.meta.url),
);

/**
 * `read` once per view, into files: what a run compiles then (argument parsing, the decoder, the
 * views) goes into the code cache with the modules. Without the capture (a tree without test
 * data) the cache holds the modules only.
 */
async function warmUp(bundle) {
  if (!existsSync(warmUpCapture)) return;
  const read = bundle.load('cli/read.js');
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-bundle-'));
  try {
    for (const format of ['jsonl', 'text', 'tcpdump', 'html']) {
      const code = await read.run(['-q', '--format', format, '-o', join(dir, format), warmUpCapture]);
      if (code !== 0) throw new Error(`warm-up: read --format ${format} ended with ${code}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Writes the bundle where the loader looks for it, and V8's code cache of it beside it. The
 * bundle is first compiled and warmed up by the loader itself under a temporary name, so a
 * construct CommonJS can't carry (a top-level await) or a failing warm-up fails the build and
 * leaves no bundle (the commands then load their modules), never a broken or an old one.
 */
export async function writeBundle(distDir) {
  const loader = await import(pathToFileURL(posix.join(distDir, 'cli/command-bundle.cjs')).href);
  const path = loader.bundleFile();
  rmSync(posix.dirname(path), { recursive: true, force: true });
  mkdirSync(posix.dirname(path), { recursive: true });
  const trial = `${path}.tmp`;
  writeFileSync(trial, bundleText(distDir, loader.bundledCommands));
  try {
    writeFileSync(loader.cachePath(path), await loader.makeCache(trial, warmUp, path));
    renameSync(trial, path);
  } finally {
    rmSync(trial, { force: true });
  }
}

// Run as a build step (`node scripts/bundle-commands.js`); imported by a test, it only lends its functions.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await writeBundle(fileURLToPath(new URL('../dist', import.meta.url)));
}
