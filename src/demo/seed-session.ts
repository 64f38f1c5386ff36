// The seed document's session, played by two scripted users in the seed dialect:
// 猪猪 is online, mynick logs in (user_list, then login to everyone), says "hi, all !" (the say
// reaches both), then both leave. Each step waits for what the server must answer, so the capture
// tells the story in the seed's order; limits only guard against hangs.
import { WebSocket } from 'ws';

const WAIT_MS = 10_000;

export class ScriptedUser {
  private readonly ws: WebSocket;
  private readonly inbox: Array<Record<string, unknown>> = [];
  private wake: (() => void) | undefined;
  readonly opened: Promise<void>;

  constructor(
    readonly name: string,
    url: string,
  ) {
    // Like the 2014 browsers of the seed: no permessage-deflate, so every frame's bytes are plain.
    this.ws = new WebSocket(url, { perMessageDeflate: false });
    this.ws.on('message', (data) => {
      try {
        this.inbox.push(JSON.parse(String(data)) as Record<string, unknown>);
      } catch {
        this.inbox.push({ type: '(not json)' });
      }
      this.wake?.();
    });
    this.ws.on('close', () => this.wake?.());
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', (err) => reject(new Error(`${name} cannot connect: ${err.message}`)));
    });
  }

  send(message: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Waits for a message of this type (others, like heartbeats, are skipped). */
  async expect(type: string): Promise<Record<string, unknown>> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const i = this.inbox.findIndex((m) => m.type === type);
      if (i >= 0) return this.inbox.splice(0, i + 1)[i]!;
      if (this.ws.readyState === WebSocket.CLOSED)
        throw new Error(`${this.name}: closed while waiting for '${type}'`);
      if (Date.now() > deadline) throw new Error(`${this.name}: no '${type}' arrived`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  async leave(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.ws.once('close', () => resolve()));
    this.ws.close(1000);
    await closed;
  }

  destroy(): void {
    this.ws.terminate();
  }
}

/** Pause between steps, so times in the capture separate the story's moments like the seed's. */
const beat = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Plays the session against ws://host:port/ and returns once everyone has left. */
export async function playSeedSession(url: string, pauseMs = 100): Promise<void> {
  const pig = new ScriptedUser('猪猪', url);
  let me: ScriptedUser | undefined;
  try {
    await pig.opened;
    pig.send({ type: 'login', name: '猪猪' });
    await pig.expect('user_list');
    await pig.expect('login');
    await beat(pauseMs);

    me = new ScriptedUser('mynick', url);
    await me.opened;
    await beat(pauseMs);
    me.send({ type: 'login', name: 'mynick' });
    await me.expect('user_list');
    await me.expect('login');
    await pig.expect('login');
    await beat(pauseMs);

    me.send({ type: 'say', to_uid: 'all', content: 'hi, all !' });
    await me.expect('say');
    await pig.expect('say');
    await beat(pauseMs);

    await me.leave();
    await pig.expect('logout');
    await pig.leave();
  } catch (err) {
    pig.destroy();
    me?.destroy();
    throw err;
  }
}
