// The contract every Broker keeps (see broker.ts), as one suite to run against each
// implementation (memory, Redis, and any other).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatEvent } from '../../chat/protocol/events.js';
import type { Broker } from '../../chat/broker/broker.js';

/** Creates `count` nodes sharing one bus/server, each with a distinct nodeId. */
export type NodeFactory = (count: number) => Promise<Broker[]>;

const event = (n: number): ChatEvent => ({
  type: 'message',
  id: `1-${n}`,
  room: 'r',
  from: { id: 4503599627370497, name: 'a' },
  to: null,
  text: `m${n}`,
  ts: 1,
});

/** Collects what a node receives; resolves once `count` events arrived (generous guard against hangs). */
function collect(node: Broker) {
  const got: { channel: string; text: string }[] = [];
  let wake = () => {};
  node.onEvent((channel, e) => {
    got.push({ channel, text: e.type === 'message' ? e.text : e.type });
    wake();
  });
  return {
    got,
    async until(count: number): Promise<void> {
      const deadline = Date.now() + 10_000;
      while (got.length < count) {
        if (Date.now() > deadline) throw new Error(`only ${got.length} of ${count} events arrived`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 200);
        });
      }
    },
  };
}

/** Subscriptions take effect at once in memory, after a round trip over a network. */
const settle = (...nodes: Broker[]) => Promise.all(nodes.map((n) => n.settled?.()));

export function brokerContract(name: string, makeNodes: NodeFactory): void {
  test(`${name}: every other subscribed node gets each event once, in publication order`, async () => {
    const [a, b, c] = await makeNodes(3);
    try {
      assert.notEqual(a!.nodeId, b!.nodeId);
      const [atA, atB, atC] = [collect(a!), collect(b!), collect(c!)];
      a!.subscribe('room:r');
      b!.subscribe('room:r');
      await settle(a!, b!, c!);
      for (let i = 0; i < 100; i++) a!.publish('room:r', event(i));
      // A marker on a channel only c hears, published after everything else by a, tells c
      // that a's earlier events have been delivered (order holds across channels per publisher).
      c!.subscribe('node:c');
      await settle(a!, b!, c!);
      a!.publish('node:c', event(1000));
      await atC.until(1);
      await atB.until(100);
      assert.deepEqual(
        atB.got.map((g) => g.text),
        Array.from({ length: 100 }, (_, i) => `m${i}`),
      );
      assert.ok(atB.got.every((g) => g.channel === 'room:r'));
      assert.deepEqual(atA.got, [], 'a publisher never receives its own events');
      assert.deepEqual(atC.got, [{ channel: 'node:c', text: 'm1000' }], 'c was not subscribed to room:r');
    } finally {
      await Promise.all([a!.close(), b!.close(), c!.close()]);
    }
  });

  test(`${name}: after unsubscribe, a node gets nothing more from that channel`, async () => {
    const [a, b] = await makeNodes(2);
    try {
      const atB = collect(b!);
      b!.subscribe('room:r');
      b!.subscribe('room:s');
      await settle(a!, b!);
      a!.publish('room:r', event(1));
      await atB.until(1);
      b!.unsubscribe('room:r');
      await settle(a!, b!);
      a!.publish('room:r', event(2));
      a!.publish('room:s', event(3));
      await atB.until(2);
      assert.deepEqual(
        atB.got.map((g) => g.text),
        ['m1', 'm3'],
      );
    } finally {
      await Promise.all([a!.close(), b!.close()]);
    }
  });

  test(`${name}: deliverLocal hands an event to this node's handler at once, on its channels only, to no other node`, async () => {
    const [a, b] = await makeNodes(2);
    try {
      const [atA, atB] = [collect(a!), collect(b!)];
      a!.subscribe('room:r');
      b!.subscribe('room:r');
      b!.subscribe('node:b');
      await settle(a!, b!);
      a!.deliverLocal('room:r', event(1));
      assert.deepEqual(
        atA.got,
        [{ channel: 'room:r', text: 'm1' }],
        'delivered before deliverLocal returned',
      );
      a!.deliverLocal('room:elsewhere', event(2));
      assert.equal(atA.got.length, 1, 'not subscribed to room:elsewhere');
      a!.unsubscribe('room:r');
      a!.deliverLocal('room:r', event(3));
      assert.equal(atA.got.length, 1, 'unsubscribed from room:r');
      // a's publication after its local deliveries reaches b: had any of them gone to b, it
      // would have come first (one node's events arrive in order).
      a!.publish('node:b', event(4));
      await atB.until(1);
      assert.deepEqual(atB.got, [{ channel: 'node:b', text: 'm4' }]);
      b!.onEvent(() => {
        throw new Error('a failing handler');
      });
      assert.doesNotThrow(() => b!.deliverLocal('room:r', event(5)));
      a!.subscribe('room:r');
      a!.deliverLocal('room:r', event(6));
      assert.equal(atA.got.length, 2, 'subscribed again');
      await a!.close();
      const afterClose = collect(a!);
      a!.deliverLocal('room:r', event(7));
      assert.deepEqual(afterClose.got, [], 'nothing after close');
    } finally {
      await Promise.all([a!.close(), b!.close()]);
    }
  });
}
