// Where the harness's connections come from, and whether it sees the server close them: checked
// against a real `wirechat serve` whose per-address cap would refuse clients that share one
// address, and whose header timeout closes silent TCP connections.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { projectRoot } from '../../../shared/paths.js';
import { LegitUser } from './legit-user.js';
import { Swarm, closeReasons } from './swarm.js';
import { spreadAddress } from './swarm-protocol.js';
import { TargetServer } from './target-server.js';

async function withServer(args: string[], body: (server: TargetServer) => Promise<void>): Promise<void> {
  const server = await TargetServer.start({
    serverRoot: projectRoot,
    serverArgs: ['--workers', '1', ...args],
  });
  try {
    await body(server);
  } finally {
    await server.stop();
  }
}

describe('source addresses', () => {
  test('spreadAddress puts perAddress consecutive connections on each loopback address', () => {
    assert.equal(spreadAddress(0, 20), '127.1.0.1');
    assert.equal(spreadAddress(19, 20), '127.1.0.1');
    assert.equal(spreadAddress(20, 20), '127.1.0.2');
    assert.equal(spreadAddress(255 * 20, 20), '127.1.1.0');
    assert.equal(spreadAddress(65_535 * 20, 20), '127.2.0.0');
  });

  test('a swarm of many users gets past a per-address cap that stops one attacker', async () => {
    await withServer(['--max-conns-per-ip', '2'], async (server) => {
      const spread = new Swarm(6);
      const many = await spread.open({
        port: server.wsPort,
        mode: 'ws',
        login: { roomPrefix: 'many', roomSize: 1 },
        concurrency: 6,
        perAddress: 2,
      });
      // The one attacker (all from 127.0.0.1) is held to the cap while the spread users stay.
      const single = new Swarm(6);
      const one = await single.open({
        port: server.wsPort,
        mode: 'ws',
        login: { roomPrefix: 'one', roomSize: 1 },
        concurrency: 6,
      });
      await single.close();
      await spread.close();
      assert.equal(many.loggedIn, 6);
      assert.equal(one.loggedIn, 2);
    });
  });

  test("the legitimate user connects from an address of its own, not the attacker's", async () => {
    await withServer(['--max-conns-per-ip', '2'], async (server) => {
      const attacker = new Swarm(2);
      try {
        const held = await attacker.open({ port: server.wsPort, mode: 'ws', concurrency: 2 });
        assert.equal(held.opened, 2, "the attacker holds 127.0.0.1's whole allowance");
        const legit = await LegitUser.start(server.wsUrl);
        await legit.phase('during');
        await new Promise((r) => setTimeout(r, 1500));
        const report = await legit.report();
        const during = report.phases.during!;
        assert.ok(during.roundTrip && during.roundTrip.count > 0, 'round trips came back');
        assert.equal(during.lost, 0);
        assert.equal(during.connectFailed, 0);
      } finally {
        await attacker.close();
      }
    });
  });
});

describe('closes of bare TCP connections', () => {
  test("every silent connection's close after the server's header timeout is seen", async () => {
    await withServer(['--header-timeout', '1'], async (server) => {
      const swarm = new Swarm(10);
      try {
        const opened = await swarm.open({ port: server.webPort, mode: 'tcp', concurrency: 10 });
        assert.equal(opened.opened, 10);
        // The server answers 408 and closes after 1 s (checked every 250 ms); 5 s is ample.
        const deadline = Date.now() + 5000;
        let stats = await swarm.stats();
        while (stats.closed.length < 10 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 200));
          stats = await swarm.stats();
        }
        assert.equal(stats.closed.length, 10, JSON.stringify(closeReasons(stats)));
        assert.equal(stats.open, 0);
      } finally {
        await swarm.close();
      }
    });
  });
});
