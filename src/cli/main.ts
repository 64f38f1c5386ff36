// The `wirechat` command: dispatches to one module per subcommand (src/cli/<name>.ts).
import { safeLine } from '../shared/terminal-text.js';
import { runCommand, type CommandModule } from './run-command.js';

/** Subcommands, each loaded only when used so `wirechat read` never pays for the chat's imports. */
const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  serve: { summary: 'run the chat server and its web page', load: () => import('./serve.js') },
  capture: {
    summary: 'capture live with tcpdump and show the WebSocket conversation as it happens',
    load: () => import('./capture.js'),
  },
  tap: {
    summary: 'relay TCP to a server and show its WebSocket conversation (no root needed)',
    load: () => import('./tap.js'),
  },
  demo: {
    summary: "replay the seed document's session against the chat and show the decoded capture",
    load: () => import('./demo.js'),
  },
  bench: { summary: 'load-test a WebSocket chat server (ours or another)', load: () => import('./bench.js') },
  read: {
    summary: 'decode a capture file (pcap/pcapng) into the WebSocket conversation',
    load: () => import('./read.js'),
  },
};

export const mainHelp = (): string =>
  [
    'Usage: wirechat <command> [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`),
    '',
    "Run 'wirechat <command> --help' for a command's options.",
  ].join('\n');

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  // `wirechat help read` is `wirechat read --help`, as git and npm users expect.
  if (name === 'help' && rest[0] !== undefined && commands[rest[0]]) return main([rest[0], '--help']);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(mainHelp() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write('wirechat 0.1.0\n');
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`wirechat: unknown command '${safeLine(name)}'\n\n${mainHelp()}\n`);
    return 2;
  }
  return runCommand(name, command.load, rest);
}
