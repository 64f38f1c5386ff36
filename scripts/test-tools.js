// What the test suite needs from the system, and setting it up on a fresh machine: the Debian
// packages are installed with apt-get when running as root (as .ci/run does); otherwise one line
// says exactly what to run, and the run stops before any test.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Each tool the tests run, with the Debian package that provides it. */
export const TOOLS = [
  { command: 'tcpdump', pkg: 'tcpdump' },
  { command: 'tshark', pkg: 'tshark' },
  { command: 'redis-server', pkg: 'redis-server' },
  { command: process.env.WIRECHAT_CHROMIUM ?? '/usr/bin/chromium', pkg: 'chromium' },
  { command: 'script', pkg: 'util-linux' },
];

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether a command is found (a path as given, a name on PATH). */
export function found(command, path = process.env.PATH ?? '') {
  if (command.includes('/')) return executable(command);
  return path.split(delimiter).some((dir) => dir && executable(join(dir, command)));
}

/** The Debian packages whose tools are missing. */
export function missingPackages(path) {
  return TOOLS.filter((t) => !found(t.command, path)).map((t) => t.pkg);
}

/**
 * Makes sure the tools are there. Returns undefined when they are (possibly after installing
 * them), or the one line to print when they are not and cannot be installed from here.
 */
export function ensureTools({ log = (line) => process.stderr.write(line + '\n') } = {}) {
  const missing = missingPackages();
  if (missing.length === 0) return undefined;
  const canInstall =
    process.getuid?.() === 0 && found('apt-get') && process.env.WIRECHAT_TEST_NO_INSTALL !== '1';
  if (canInstall) {
    log(`run-tests: installing ${missing.join(' ')} with apt-get (the tests use the real tools)`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const install =
      update.status === 0
        ? spawnSync('apt-get', ['install', '-y', '-qq', ...missing], {
            stdio: ['ignore', 'ignore', 'inherit'],
            env,
          })
        : update;
    const still = missingPackages();
    if (install.status === 0 && still.length === 0) return undefined;
    return `run-tests: apt-get could not install ${still.join(' ')}; install them and run npm test again`;
  }
  const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
  return `run-tests: the tests need ${missing.join(', ')}: run \`${sudo}apt-get install -y ${missing.join(' ')}\` (or \`${sudo}.ci/run\`), then npm test again`;
}

// `node scripts/test-tools.js` (npm's pretest): the check alone, before the build and the lint.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const problem = ensureTools();
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}
