// The direction of imports in src/, checked over the sources so a failure names the file and the
// import that points the wrong way. The rules, each a function below:
// - the page's modules import nothing from outside src/web (only dist/web is served to the browser);
// - the chat, the decoder, the shared helpers and the page sit below the commands, the demo, the
//   benchmarks and the test kits and never import them (their tests may use the test kits);
// - src/shared imports from nothing but src/shared: it is the floor both halves stand on;
// - the chat never imports the decoder or the page; the benchmarks and the demo never import each
//   other or the commands (they run a subcommand through bin/wirechat.js);
// - the decoder takes from the chat only its dialect codecs (src/chat/protocol);
// - the chat's layers, lowest first (CHAT_LAYERS), import only from layers below their own;
// - the product, what bin/wirechat.js and the page load, never reaches a test kit.
// Tests may cross the chat's layers and the areas (not into the commands, the demo or the benchmarks).
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { chainTo, filesUnder, reachFrom, referencesOf, specifiersOf } from './module-graph.js';

/** Areas (first folder under src/) that everything else builds on. */
const lowerAreas = new Set(['wire', 'chat', 'shared', 'web']);
/** Areas built on top: a lower area importing one of these is an arrow pointing up. */
const upperAreas = new Set(['cli', 'demo', 'bench', 'testing']);
/** Areas a product module of an area must not import, beyond the rules above. */
const forbiddenAreas: Record<string, string[]> = {
  chat: ['wire', 'web'],
  bench: ['demo', 'cli'],
  demo: ['bench', 'cli'],
};

/**
 * The chat's layers, lowest first: a folder of src/chat imports only from folders of a lower layer
 * (and its own). The composition root ('.': server.ts, backends.ts) sits above what it wires; the
 * cluster, which runs one chat server per worker, above it.
 */
const CHAT_LAYERS: readonly (readonly string[])[] = [
  ['protocol'],
  ['broker'],
  ['store', 'limits'],
  ['hub'],
  ['ops'],
  ['transport'],
  ['.'],
  ['cluster'],
];

/** Where a file sits in src/. */
interface Place {
  /** The first folder under src/ ('..' for a file outside it). */
  area: string;
  /** Under src/chat, the folder below it ('.' for the files at its root). */
  chatFolder: string;
  test: boolean;
}

function placeOf(src: string, path: string): Place {
  const parts = relative(src, path).split(sep);
  return {
    area: parts[0]!,
    chatFolder: parts.length > 2 ? parts[1]! : '.',
    test: path.endsWith('.test.ts'),
  };
}

/** Why `from` may not import `to`, or undefined when this rule lets it. */
type Rule = (from: Place, to: Place) => string | undefined;

const pageStaysInWeb: Rule = (from, to) =>
  from.area === 'web' && !from.test && to.area !== 'web'
    ? 'the page is served from src/web alone'
    : undefined;

const lowerAreasStayBelow: Rule = (from, to) =>
  lowerAreas.has(from.area) && upperAreas.has(to.area) && !(to.area === 'testing' && from.test)
    ? `src/${from.area} may not import src/${to.area}`
    : undefined;

const sharedStandsAlone: Rule = (from, to) =>
  from.area === 'shared' && !from.test && to.area !== 'shared'
    ? 'src/shared imports nothing outside src/shared'
    : undefined;

const forbiddenArea: Rule = (from, to) =>
  !from.test && forbiddenAreas[from.area]?.includes(to.area)
    ? `src/${from.area} may not import src/${to.area}`
    : undefined;

const wireTakesOnlyCodecs: Rule = (from, to) =>
  from.area === 'wire' && !from.test && to.area === 'chat' && to.chatFolder !== 'protocol'
    ? 'src/wire may import from src/chat only src/chat/protocol (the dialect codecs)'
    : undefined;

const layerOf = (place: Place): number => CHAT_LAYERS.findIndex((layer) => layer.includes(place.chatFolder));
const chatName = (place: Place): string =>
  place.chatFolder === '.' ? 'src/chat/*.ts' : `src/chat/${place.chatFolder}`;

const chatLayersPointDown: Rule = (from, to) => {
  if (from.test || from.area !== 'chat' || to.area !== 'chat') return undefined;
  if (from.chatFolder === to.chatFolder) return undefined;
  const [a, b] = [layerOf(from), layerOf(to)];
  if (a < 0 || b < 0 || b < a) return undefined;
  return `${chatName(from)} may not import ${chatName(to)} (${b > a ? 'a layer above' : 'its own layer'})`;
};

/** In the order they are asked: the first that objects names the import. */
const rules: Rule[] = [
  pageStaysInWeb,
  lowerAreasStayBelow,
  sharedStandsAlone,
  forbiddenArea,
  wireTakesOnlyCodecs,
  chatLayersPointDown,
];

/** In src/, './x.js' names x.ts and './x.cjs' x.cts; an asset keeps its own name. */
function sourceFor(path: string): string {
  if (path.endsWith('.cjs')) {
    const cts = path.slice(0, -'.cjs'.length) + '.cts';
    return existsSync(cts) ? cts : path;
  }
  if (!path.endsWith('.js')) return path;
  const ts = path.slice(0, -'.js'.length) + '.ts';
  return existsSync(ts) ? ts : path;
}

/** The modules the product starts from: what bin/wirechat.js loads from dist/, and the page's scripts. */
export function productEntries(root: string): string[] {
  const src = join(root, 'src');
  const fromBin = specifiersOf(readFileSync(join(root, 'bin', 'wirechat.js'), 'utf8'))
    .filter((s) => s.startsWith('../dist/'))
    .map((s) => sourceFor(join(src, s.slice('../dist/'.length))));
  const page = readFileSync(join(src, 'web', 'index.html'), 'utf8');
  const fromPage = [...page.matchAll(/<script\b[^>]*\bsrc="([^"]+\.js)"/g)].map((m) =>
    sourceFor(resolve(src, 'web', m[1]!)),
  );
  return [...fromBin, ...fromPage];
}

/** Every source module the product reaches, each mapped to the module that first imported it. */
export function productModules(root: string): Map<string, string | undefined> {
  return reachFrom(productEntries(root), (file) =>
    file.endsWith('.ts') ? referencesOf(file, sourceFor).map((r) => r.target) : [],
  );
}

/** One message per import that points the wrong way; empty when the tree is in order. */
export function checkImportDirection(root: string): string[] {
  const src = join(root, 'src');
  const name = (path: string): string => relative(root, path).split(sep).join('/');
  const problems: string[] = [];

  for (const file of filesUnder(src, (n) => n.endsWith('.ts'))) {
    const from = placeOf(src, file);
    for (const { specifier, target } of referencesOf(file, sourceFor)) {
      const to = placeOf(src, target);
      const why = rules.map((rule) => rule(from, to)).find((reason) => reason !== undefined);
      if (why) problems.push(`${name(file)} imports '${specifier}' (${name(target)}): ${why}`);
    }
  }

  const product = productModules(root);
  for (const file of product.keys()) {
    const importer = product.get(file);
    // Name the product module that reaches into the kits, not the kits' own imports of each other.
    if (importer === undefined) continue;
    if (placeOf(src, file).area !== 'testing' || placeOf(src, importer).area === 'testing') continue;
    const specifier = referencesOf(importer, sourceFor).find((r) => r.target === file)!.specifier;
    problems.push(
      `${name(importer)} imports '${specifier}' (${name(file)}): the product loads a test kit ` +
        `(${chainTo(file, product).map(name).join(' → ')})`,
    );
  }
  return problems;
}
