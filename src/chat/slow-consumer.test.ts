// Backpressure: a client that stops reading is cut off once the bytes queued for it pass the
// cap, its logout is broadcast, and everyone else keeps receiving every message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { openClient, startTestServer } from '../testing/chat/chat-client.js';

test('a client that stops reading is cut off while the others get every message', async () => {
  const server = await startTestServer({
    reconnectGrace: 0, // the cut-off user's departure is announced at once
    maxBuffered: 256 * 1024,
    maxContent: 60_000,
    maxFrame: 70_000,
    rate: 100_000,
    pingInterval: 0.5,
    idleTimeout: 60,
  });
  try {
    const reader = await openClient(server.wsPort, 'reader');
    reader.send({ type: 'join', name: 'reader', room: 'r' });
    await reader.nextJson();
    const stalled = await openClient(server.wsPort, 'stalled');
    stalled.send({ type: 'join', name: 'stalled', room: 'r' });
    const stalledId = ((await stalled.nextJson()).you as { id: string }).id;
    await reader.nextOfType('joined');
    // Stop reading at the TCP level: the kernel buffers fill, then the server's queue grows.
    (stalled.ws as unknown as { _socket: Socket })._socket.pause();

    const count = 400; // 400 × 50 kB = 20 MB, far more than loopback socket buffers hold
    const text = 'x'.repeat(50_000);
    // The reader sends one message at a time and reads its copy before the next, so its own
    // queue never nears the cap however slowly this (shared, busy) machine runs it.
    let sent = 0;
    let received = 0;
    let left: Record<string, unknown> | undefined;
    while (received < count || !left) {
      if (sent === received && sent < count)
        reader.send({ type: 'send', to: 'all', text: `${sent++} ${text}` });
      const message = await reader.nextJson();
      if (message.type === 'message') {
        assert.ok((message.text as string).startsWith(`${received} `), 'in order, none lost');
        received++;
      } else if (message.type === 'left') {
        left = message;
      }
    }
    assert.equal((left.user as { id: string }).id, stalledId);
    await reader.close();
  } finally {
    await server.close();
  }
});
