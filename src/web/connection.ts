// The page's link to the server: finds the WebSocket address (`?ws=` in the page's address, else
// GET /config.json on the page's own origin), connects, (re)joins the chosen room, answers
// heartbeats, notices a dead link, and reconnects with back-off. It knows nothing about the page's elements.
import { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff.js';
import { parseServerMessage, type ClientMessage, type ServerMessage } from './native-messages.js';
import { socketFromConfig, socketFromQuery } from './socket-url.js';

export type LinkState =
  | { state: 'idle' }
  | { state: 'connecting'; attempt: number }
  /** The socket is open and `join` was sent; no welcome yet (or the server refused the join). */
  | { state: 'joining' }
  | { state: 'online' }
  | { state: 'offline'; retryAt: number; closeCode?: number; attempt: number }
  /** This identity continued on a newer connection (another tab): no reconnecting from here. */
  | { state: 'moved' };

/** The server's close code when the same session token was presented on a newer connection. The page
 * is served from dist/web alone, so it keeps its own copy of CLOSE.SESSION_MOVED (a test compares). */
export const CLOSE_SESSION_MOVED = 4409;

export type JoinRequest = { name: string; room: string };

export type ConnectionOptions = {
  onState(state: LinkState): void;
  onMessage(message: ServerMessage): void;
  /** The last message id seen in `room`, sent with `join` so the server can replay what was missed. */
  lastMessageId(room: string): string | undefined;
  /** The tab's session token, presented with every join so a return keeps the same identity. */
  sessionToken(): string | undefined;
  backoff?: BackoffOptions;
  /** Silence after which the page asks the server for a sign of life (ms). */
  quietMs?: number;
  /** Further silence after that question before the link counts as dead (ms). */
  deadMs?: number;
};

export class Connection {
  private ws: WebSocket | undefined;
  private join: JoinRequest | undefined;
  private failures = 0;
  private retryTimer: number | undefined;
  private watchTimer: number | undefined;
  private lastHeard = 0;
  private askedAt = 0;
  private state: LinkState = { state: 'idle' };
  private readonly quietMs: number;
  private readonly deadMs: number;

  constructor(private readonly options: ConnectionOptions) {
    this.quietMs = options.quietMs ?? 25_000;
    this.deadMs = options.deadMs ?? 10_000;
  }

  get current(): LinkState {
    return this.state;
  }

  /** Join a room (or move to another one): at once when connected, otherwise as soon as the link is up. */
  joinRoom(request: JoinRequest): void {
    const moving = this.join !== undefined;
    this.join = request;
    if (this.state.state === 'online' || (moving && this.state.state === 'joining')) {
      this.sendJoin();
    } else if (this.state.state === 'idle') {
      void this.connect();
    }
  }

  /** Leaves the room for good: the server announces it at once; the link closes and stays closed. */
  leave(): void {
    this.send({ type: 'leave' });
    this.join = undefined;
    this.stop({ state: 'idle' });
  }

  private stop(state: LinkState): void {
    window.clearTimeout(this.retryTimer);
    window.clearInterval(this.watchTimer);
    const ws = this.ws;
    this.ws = undefined;
    ws?.close(1000);
    this.failures = 0;
    this.setState(state);
  }

  /** Sends a message; false when there is no open link (the caller keeps what the user typed). */
  send(message: ClientMessage): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN || this.state.state !== 'online') return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  /** A person asked to retry: skip the remaining wait, but only when actually waiting (or moved away). */
  retryNow(): void {
    if (this.state.state !== 'offline' && this.state.state !== 'moved') return;
    window.clearTimeout(this.retryTimer);
    void this.connect();
  }

  private setState(state: LinkState): void {
    this.state = state;
    this.options.onState(state);
  }

  private async connect(): Promise<void> {
    this.retryTimer = undefined;
    this.setState({ state: 'connecting', attempt: this.failures });
    let url: string;
    try {
      url = await this.socketUrl();
    } catch {
      this.scheduleRetry(undefined);
      return;
    }
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch {
      this.scheduleRetry(undefined);
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.heard();
      this.setState({ state: 'joining' });
      this.sendJoin();
      this.watchTimer = window.setInterval(() => this.watch(), 1000);
    };
    ws.onmessage = (event) => {
      if (ws !== this.ws) return;
      this.heard();
      if (typeof event.data !== 'string') return;
      const message = parseServerMessage(event.data);
      if (!message) return;
      if (message.type === 'ping') {
        ws.send(JSON.stringify({ type: 'pong' }));
        return;
      }
      if (message.type === 'welcome') {
        // Only a welcome proves the server accepts us: a server that opens and closes at once
        // keeps the back-off growing.
        this.failures = 0;
        if (this.state.state !== 'online') this.setState({ state: 'online' });
      }
      this.options.onMessage(message);
    };
    ws.onclose = (event) => {
      if (ws !== this.ws) return;
      this.ws = undefined;
      window.clearInterval(this.watchTimer);
      // Reconnecting would take the identity back from the newer tab, which would do the same.
      if (event.code === CLOSE_SESSION_MOVED) this.stop({ state: 'moved' });
      else this.scheduleRetry(event.code);
    };
    // An error is always followed by close, which does the work.
    ws.onerror = () => undefined;
  }

  private async socketUrl(): Promise<string> {
    const asked = socketFromQuery(location.search);
    if (asked.kind === 'param') return asked.url;
    const response = await window.fetch('/config.json', { cache: 'no-store' });
    if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
    return socketFromConfig(await response.json(), location);
  }

  private sendJoin(): void {
    if (!this.join || !this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    const { name, room } = this.join;
    const after = this.options.lastMessageId(room);
    const session = this.options.sessionToken();
    const message: Extract<ClientMessage, { type: 'join' }> = { type: 'join', name, room };
    if (after) message.after = after;
    if (session) message.session = session;
    this.ws.send(JSON.stringify(message));
  }

  private scheduleRetry(closeCode: number | undefined): void {
    const delay = backoffDelay(this.failures, this.options.backoff ?? defaultBackoff);
    this.failures += 1;
    const state: LinkState = { state: 'offline', retryAt: Date.now() + delay, attempt: this.failures };
    if (closeCode !== undefined) state.closeCode = closeCode;
    this.setState(state);
    this.retryTimer = window.setTimeout(() => void this.connect(), delay);
  }

  private heard(): void {
    this.lastHeard = Date.now();
    this.askedAt = 0;
  }

  /** Catches a link that died without a close (sleeping laptop, vanished network): ask, then give up. */
  private watch(): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    const now = Date.now();
    if (this.askedAt === 0 && now - this.lastHeard > this.quietMs) {
      this.askedAt = now;
      ws.send(JSON.stringify({ type: 'ping' }));
    } else if (this.askedAt !== 0 && now - this.askedAt > this.deadMs) {
      this.ws = undefined;
      window.clearInterval(this.watchTimer);
      ws.close();
      this.scheduleRetry(undefined);
    }
  }
}
