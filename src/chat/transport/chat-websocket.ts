// ws's WebSocket, with its events delivered straight to the transport. Registering listeners
// would put four entries in each socket's `_events`, which V8 keeps as a dictionary of ~280
// bytes per connection: at 100,000 users that is 28 MB for four pointers per user. ws lets a
// server choose its WebSocket class (the `WebSocket` option of WebSocketServer); this one
// overrides `emit` for the four events the transport handles and leaves every other event, and
// any listener added with `on`/`once`, to EventEmitter as usual.
import { WebSocket, type RawData } from 'ws';

/** What receives a connection's events (the transport). */
export interface WsEventSink<C> {
  onMessage(conn: C, data: RawData, isBinary: boolean): void;
  onPong(conn: C): void;
  protocolViolation(conn: C, err: Error & { code?: string }): void;
  closed(conn: C): void;
}

export class ChatWebSocket<C = unknown> extends WebSocket {
  /** Set when the transport accepts the connection; events before that go to EventEmitter. */
  sink: WsEventSink<C> | undefined = undefined;
  conn: C | undefined = undefined;

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    const sink = this.sink;
    if (sink !== undefined) {
      const conn = this.conn as C;
      switch (event) {
        case 'message':
          sink.onMessage(conn, args[0] as RawData, args[1] as boolean);
          return true;
        case 'pong':
          sink.onPong(conn);
          return super.emit(event, ...args);
        case 'error':
          // ws has already answered a bad frame with its close code; an 'error' without a
          // listener must not throw.
          sink.protocolViolation(conn, args[0] as Error & { code?: string });
          return this.listenerCount('error') > 0 ? super.emit(event, ...args) : true;
        case 'close':
          sink.closed(conn);
          return super.emit(event, ...args);
      }
    }
    return super.emit(event, ...args);
  }
}
