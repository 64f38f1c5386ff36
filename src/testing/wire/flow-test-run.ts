// A flow table wired to recording sinks, for the flow tests: every event, every sink call and
// every byte each side delivered, in order.
import type { TcpPacket, TcpSegmentEvent, WireEvent } from '../../wire/events.js';
import type { ConnectionInfo } from '../../wire/stream.js';
import { createFlowTable, type FlowTableOptions } from '../../wire/flow/flow-table.js';

export interface Run {
  events: WireEvent[];
  /** Sink calls as text, in order: "1 client data 5", "1 server gap 3", "1 client end". */
  calls: string[];
  /** Bytes each connection side received: "1 client" → bytes. */
  streams: Map<string, Buffer>;
  infos: ConnectionInfo[];
  order: string[];
  table: ReturnType<typeof createFlowTable>;
}

export function makeRun(options: Partial<FlowTableOptions> = {}): Run & { push(p: TcpPacket): void } {
  const run = { events: [], calls: [], streams: new Map(), infos: [], order: [] } as unknown as Run & {
    push(p: TcpPacket): void;
  };
  run.table = createFlowTable({
    emit: (e) => {
      run.events.push(e);
      run.order.push(e.event);
    },
    sinkFactory: (info) => {
      run.infos.push(info);
      return {
        data: (side, bytes) => {
          const k = `${info.conn} ${side}`;
          run.streams.set(k, Buffer.concat([run.streams.get(k) ?? Buffer.alloc(0), bytes]));
          run.calls.push(`${info.conn} ${side} data ${bytes.length}`);
          run.order.push('sink.data');
        },
        gap: (side, n) => {
          run.calls.push(`${info.conn} ${side} gap ${n}`);
          run.order.push('sink.gap');
        },
        end: (side) => {
          run.calls.push(`${info.conn} ${side} end`);
          run.order.push('sink.end');
        },
      };
    },
    ...options,
  });
  run.push = (p) => run.table.push(p);
  return run;
}

export const segments = (run: Run): TcpSegmentEvent[] =>
  run.events.filter((e): e is TcpSegmentEvent => e.event === 'tcp.segment');
