// Real WebSocket traffic for the decoder's oracle tests and the read benchmark: a real `ws`
// server that echoes (and broadcasts chat `say` messages like the chat does), and real `ws`
// clients that send text, chat JSON, binary and fragmented messages, with or without
// permessage-deflate.
import { WebSocket, WebSocketServer } from 'ws';

export interface OutMessage {
  kind: 'text' | 'binary';
  data: string | Buffer;
  /** Send as this many fragments (default 1). */
  fragments?: number;
}

export interface EchoServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1:port. Chat `say` messages go to every client, others echo. */
export async function startEchoServer(port: number): Promise<EchoServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: { threshold: 0 } });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  wss.on('connection', (ws) => {
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => {
      const payload = data as Buffer;
      if (!isBinary && payload.length < 4096 && payload.subarray(0, 14).toString() === '{"type":"say",') {
        for (const client of wss.clients)
          if (client.readyState === WebSocket.OPEN) client.send(payload, { binary: false });
      } else {
        ws.send(payload, { binary: isBinary });
      }
    });
  });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}

export interface ClientRun {
  /** Texts of every text message this client sent, in order. */
  sentTexts: string[];
  /** Text messages it received. */
  receivedTexts: number;
}

/** Opens a client, sends every message (awaiting the socket between sends), closes with 1000. */
export async function runClient(
  port: number,
  deflate: boolean,
  messages: Iterable<OutMessage>,
  options: { maxBuffered?: number } = {},
): Promise<ClientRun> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`, {
    perMessageDeflate: deflate ? { threshold: 0 } : false,
  });
  const run: ClientRun = { sentTexts: [], receivedTexts: 0 };
  ws.on('message', (_d, isBinary) => {
    if (!isBinary) run.receivedTexts++;
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const maxBuffered = options.maxBuffered ?? 1 << 20;
  const send = (data: string | Buffer, opts: { binary: boolean; fin: boolean }): Promise<void> =>
    new Promise((resolve, reject) => ws.send(data, opts, (err) => (err ? reject(err) : resolve())));
  for (const m of messages) {
    const binary = m.kind === 'binary';
    if (!binary) run.sentTexts.push(String(m.data));
    const n = Math.max(1, m.fragments ?? 1);
    if (n === 1) {
      await send(m.data, { binary, fin: true });
    } else {
      // Fragment on byte boundaries of the encoded message; the receiver reassembles it.
      const bytes = Buffer.isBuffer(m.data) ? m.data : Buffer.from(m.data);
      const step = Math.ceil(bytes.length / n);
      for (let i = 0; i < n; i++)
        await send(bytes.subarray(i * step, (i + 1) * step), { binary, fin: i === n - 1 });
    }
    while (ws.bufferedAmount > maxBuffered) await new Promise((r) => setTimeout(r, 5));
  }
  // Give the echoes time to arrive before closing.
  await new Promise((r) => setTimeout(r, 200));
  ws.close(1000, 'done');
  await new Promise<void>((resolve) => {
    ws.once('close', () => resolve());
    setTimeout(resolve, 3000);
  });
  return run;
}
