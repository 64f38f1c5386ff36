// Dependencies point down: a module never imports one that is built on top of it. Read from the
// sources (static and dynamic relative imports of every product module; tests and test kits may
// reach anywhere), so a new upward arrow fails here with the file and the import that makes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { projectRoot } from './shared/paths.js';

const SRC = join(projectRoot, 'src');

/** Top-level folders each folder must not import from. */
const FORBIDDEN: Record<string, string[]> = {
  shared: ['chat', 'web', 'bench', 'demo', 'cli'],
  chat: ['wire', 'web', 'bench', 'demo', 'cli'],
  wire: ['bench', 'demo', 'cli'],
  bench: ['demo', 'cli'],
  demo: ['bench', 'cli'],
};

/**
 * The chat's layers, lowest first: a folder imports only from folders of a lower layer (and its
 * own). The composition root (server.ts, backends.ts) sits above what it wires; the cluster,
 * which runs one chat server per worker, above it.
 */
const CHAT_LAYERS = [
  ['protocol'],
  ['broker'],
  ['store', 'limits'],
  ['hub'],
  ['ops'],
  ['transport'],
  ['.'],
  ['cluster'],
];

const isKit = (file: string): boolean =>
  file.endsWith('.test.ts') || /(^|\/)test-support\//.test(file) || /-contract\.ts$/.test(file);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [relative(SRC, path).split(sep).join('/')] : [];
  });
}

/** The src-relative paths a file imports (relative specifiers only: packages are not layers). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)['"](\.\.?\/[^'"]+)['"]/g)) {
    const target = resolve(dirname(join(SRC, file)), match[1]!);
    found.push(relative(SRC, target).split(sep).join('/'));
  }
  return found;
}

const chatFolder = (path: string): string => {
  const parts = path.split('/');
  return parts.length > 2 ? parts[1]! : '.';
};
const chatLayer = (path: string): number =>
  CHAT_LAYERS.findIndex((layer) => layer.includes(chatFolder(path)));

/** Why `file` may not import `target`, or undefined when it may. */
export function upwardArrow(file: string, target: string): string | undefined {
  const [from, to] = [file.split('/')[0]!, target.split('/')[0]!];
  if (FORBIDDEN[from]?.includes(to)) return `${from}/ must not import from ${to}/`;
  if (from !== 'chat' || to !== 'chat' || chatFolder(file) === chatFolder(target)) return undefined;
  const [a, b] = [chatLayer(file), chatLayer(target)];
  if (a < 0 || b < 0 || b < a) return undefined;
  const name = (path: string) => (chatFolder(path) === '.' ? 'chat/*.ts' : `chat/${chatFolder(path)}/`);
  return `${name(file)} must not import from ${name(target)} (${b > a ? 'a layer above' : 'its own layer'})`;
}

test('the rule itself: upward and sideways arrows are named, downward ones pass', () => {
  assert.match(upwardArrow('chat/broker/ipc-broker.ts', 'chat/cluster/worker-bus.js')!, /broker.*cluster/);
  assert.match(upwardArrow('chat/server.ts', 'chat/cluster/history-copy.js')!, /cluster/);
  assert.match(upwardArrow('chat/limits/x.ts', 'chat/transport/socket-cap.js')!, /transport/);
  assert.match(upwardArrow('bench/run-all.ts', 'cli/bench.js')!, /bench\/ must not import from cli\//);
  assert.match(upwardArrow('bench/capture-latency.ts', 'demo/child-command.js')!, /demo/);
  assert.match(upwardArrow('demo/run-command.ts', 'cli/capture.js')!, /cli/);
  assert.match(upwardArrow('chat/hub/hub.ts', 'bench/x.js')!, /chat\/ must not import from bench\//);
  assert.match(upwardArrow('chat/store/x.ts', 'chat/limits/y.js')!, /its own layer/);
  assert.equal(upwardArrow('chat/cluster/worker-bus.ts', 'chat/broker/ipc-broker.js'), undefined);
  assert.equal(upwardArrow('chat/server.ts', 'chat/store/history-limits.js'), undefined);
  assert.equal(upwardArrow('cli/bench.ts', 'bench/fanout.js'), undefined);
});

test('no product module imports from a module built on top of it', () => {
  const arrows: string[] = [];
  for (const file of sources(SRC).filter((f) => !isKit(f))) {
    for (const target of importsOf(file)) {
      const why = upwardArrow(file, target);
      if (why) arrows.push(`${file} imports ${target}: ${why}`);
    }
  }
  assert.deepEqual(arrows, []);
});
