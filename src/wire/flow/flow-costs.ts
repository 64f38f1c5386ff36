// What the flow table charges the memory budget per connection and per closed-connection
// record: honest estimates of the heap they hold, measured rather than guessed.
//
// Measured with `node --expose-gc dist/bench/hostile-captures/measure-state.js` (Node 20,
// x64): 100,000 connections pushed through the real decoder, heapUsed + external after a full
// collection, minus the same before, divided by the count. What a connection's own buffers add
// (out-of-order pieces, WebSocket state, unfinished messages) is charged by their owners.

/** One connection: its key and endpoint strings, Connection and Direction objects, two
 * reassemblers and the flow map entry. Measured: 1.8 KB for a SYN-only connection (which never
 * starts a decoder) after a full collection; charged at twice that because under a flood of
 * them the process's peak RSS grows by about 4 KB per connection kept (the evicted ones' garbage
 * and the map's growth between collections): with 2 KiB the SYN flood of
 * `npm run bench:hostile-captures` peaked at 388 MB, with 4 KiB under 300. */
export const FLOW_COST = 4 * 1024;

/** A connection's decoder, started by its first bytes, gap or end: the TLS-aware sink and the
 * WebSocket decoder inside it (measured: 3.9 KB, the difference a started decoder makes to a
 * SYN-only connection). */
export const SINK_COST = 4 * 1024;

/** Added once bytes flowed: the reassemblers' history rings and the sniffed first bytes
 * (measured: 8.6 KB in all, decoder included, for a connection that sent 5 bytes). */
export const FLOW_DATA_COST = 3 * 1024;

/** A closed connection's record (numbering its late stray packets): estimated, not measured
 * (an object of a dozen fields, a map entry and a list link; its strings are the connection's). */
export const CLOSED_FLOW_COST = 512;
