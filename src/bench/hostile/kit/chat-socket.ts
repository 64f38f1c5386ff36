// A one-off chat connection for the harness itself (seeding a room, probing what the server
// accepts): a real `ws` client in today's workerman dialect, waiting for the answer it expects.
import { WebSocket } from 'ws';

const ANSWER_LIMIT_MS = 10_000;

export class ChatSocket {
  private queue: Record<string, unknown>[] = [];
  private wake: (() => void) | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      try {
        this.queue.push(JSON.parse(String(data)) as Record<string, unknown>);
      } catch {
        this.queue.push({ type: 'unparsable' });
      }
      this.wake?.();
    });
    ws.on('close', () => this.wake?.());
  }

  static open(url: string): Promise<ChatSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { handshakeTimeout: ANSWER_LIMIT_MS });
      ws.once('open', () => resolve(new ChatSocket(ws)));
      ws.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  /** The next message matching `accept` (others are dropped); undefined on close or after the limit. */
  async next(
    accept: (m: Record<string, unknown>) => boolean,
    limitMs = ANSWER_LIMIT_MS,
  ): Promise<Record<string, unknown> | undefined> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      while (this.queue.length) {
        const m = this.queue.shift()!;
        if (accept(m)) return m;
      }
      if (this.ws.readyState !== WebSocket.OPEN || Date.now() > deadline) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** Logs in (workerman dialect); the answer is the own login (with client_list) or an error. */
  async login(name: string, room: string): Promise<Record<string, unknown> | undefined> {
    this.send({ type: 'login', client_name: name, room_id: room });
    return this.next((m) => m.type === 'error' || (m.type === 'login' && 'client_list' in m));
  }

  close(): void {
    this.ws.terminate();
  }
}
