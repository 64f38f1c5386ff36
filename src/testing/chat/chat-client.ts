// Test clients: a real `ws` WebSocket that records every frame it receives, so a test can wait
// for "the next frame" in order and assert on exact text. Waits have generous limits that only
// guard against hangs; no assertion depends on timing.
import { WebSocket, type ClientOptions } from 'ws';
import {
  createChatServer,
  type ChatServer,
  type ChatServerConnectionLimits,
  type ChatServerLimits,
  type ChatServerOptions,
} from '../../chat/server.js';

const WAIT_MS = 10_000;

export class ChatClient {
  readonly received: string[] = [];
  private cursor = 0;
  private waiter: (() => void) | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;

  constructor(
    port: number,
    readonly label = 'client',
    options: ClientOptions = {},
  ) {
    this.ws = new WebSocket(`ws://127.0.0.1:${port}/`, options);
    this.ws.on('message', (data, isBinary) => {
      this.received.push(isBinary ? `<binary ${String(data)}>` : String(data));
      this.waiter?.();
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => {
        this.waiter?.();
        resolve({ code, reason: String(reason) });
      });
    });
    this.ws.on('error', () => {});
  }

  readonly ws: WebSocket;

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next frame not yet consumed, in arrival order. */
  async next(): Promise<string> {
    const deadline = Date.now() + WAIT_MS;
    while (this.cursor >= this.received.length) {
      if (this.ws.readyState === WebSocket.CLOSED)
        throw new Error(`${this.label}: closed while waiting for a frame`);
      if (Date.now() > deadline)
        throw new Error(`${this.label}: no frame arrived (got ${this.received.length})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 500);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.received[this.cursor++]!;
  }

  async nextJson(): Promise<Record<string, unknown>> {
    return JSON.parse(await this.next()) as Record<string, unknown>;
  }

  /** Skips frames until one of the given type arrives (for heartbeat tests, where pings interleave). */
  async nextOfType(type: string): Promise<Record<string, unknown>> {
    for (;;) {
      const message = await this.nextJson();
      if (message.type === type) return message;
    }
  }

  /** Frames received but not yet consumed. */
  pending(): string[] {
    return this.received.slice(this.cursor);
  }

  close(): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.CONNECTING || this.ws.readyState === WebSocket.OPEN)
      this.ws.close(1000);
    return this.closed;
  }
}

export async function openClient(port: number, label?: string, options?: ClientOptions): Promise<ChatClient> {
  const client = new ChatClient(port, label, options);
  await client.opened;
  return client;
}

/** A server on free ports of 127.0.0.1, silent. */
export function startTestServer(
  options: ChatServerOptions & ChatServerLimits & ChatServerConnectionLimits = {},
): Promise<ChatServer> {
  return createChatServer({ host: '127.0.0.1', wsPort: 0, webPort: 0, logLevel: 'silent', ...options });
}

/** Replaces the parts of a frame that differ per run (ids, times) so frames compare as text. */
export function normalise(frame: string, ids: Map<string, string>): string {
  return frame
    .replace(/\d{4}-\d\d-\d\d (\d\d)?:\d\d:\d\d/g, 'TIME')
    .replace(/"ts":\d+/g, '"ts":TS')
    .replace(/"id":"\d+-\d+"/g, '"id":"MSGID"')
    .replace(/[0-9a-f]{20}|\d{9,16}/g, (id) => {
      if (!ids.has(id)) ids.set(id, `ID${ids.size + 1}`);
      return ids.get(id)!;
    });
}
