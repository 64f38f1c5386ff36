// The naive baseline: the `ws` library used the obvious way — a broadcast is
// `for (const c of clients) c.send(msg)`, which frames and writes the message once per client.
import { WebSocketServer, type WebSocket } from 'ws';
import {
  createIdSource,
  loginReply,
  readClientMessage,
  sayBroadcast,
  type BaselineServer,
  type BaselineUser,
} from './baseline-chat.js';

export function startNaiveServer(options: { host: string; port: number }): Promise<BaselineServer> {
  const nextId = createIdSource();
  const clients = new Map<WebSocket, BaselineUser>();
  const wss = new WebSocketServer({
    host: options.host,
    port: options.port,
    perMessageDeflate: false,
    maxPayload: 64 * 1024,
  });
  wss.on('connection', (ws) => {
    ws.on('error', () => ws.terminate());
    ws.on('close', () => clients.delete(ws));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const action = readClientMessage(data.toString());
      if (action.kind === 'login') {
        const user = { id: nextId(), name: action.name, dialect: action.dialect };
        clients.set(ws, user);
        ws.send(loginReply(user));
      } else if (action.kind === 'say') {
        const from = clients.get(ws);
        if (!from) return;
        const seed = sayBroadcast('seed', from, action.content);
        const workerman = sayBroadcast('workerman', from, action.content);
        for (const [client, user] of clients) client.send(user.dialect === 'seed' ? seed : workerman);
      } else if (action.kind === 'pong') {
        ws.send('{"type":"pong"}');
      }
    });
  });
  return new Promise((resolve, reject) => {
    wss.once('error', reject);
    wss.once('listening', () => {
      const address = wss.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : options.port,
        close: () =>
          new Promise<void>((done) => {
            for (const ws of wss.clients) ws.terminate();
            wss.close(() => done());
          }),
      });
    });
  });
}
