// The ledger's meeting point in Redis, for many nodes: one script call per exchange. Per address
// (keys expire when nobody reports it for `ttlMs`):
//   <prefix>addr:<address>:open  hash node → "count:ms"; counts older than `staleMs` are
//                                dropped (a node that died stops counting)
//   <prefix>addr:<address>:new   hash "#" → running total of new connections, node → total it saw
//   <prefix>addr:<address>:msg   the same for messages
// Times are Redis's own (TIME), so nodes with skewed clocks still agree on what is stale.
import type { Redis } from 'ioredis';
import type { AnswerRow, LedgerBackend, ReportRow } from './synced-address-ledger.js';

const SCRIPT = `
local node, staleMs, ttlMs, prefix = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function counter(key, delta)
  local total = redis.call('HINCRBY', key, '#', delta)
  local seen = tonumber(redis.call('HGET', key, node) or (total - delta))
  redis.call('HSET', key, node, total)
  redis.call('PEXPIRE', key, ttlMs)
  local elsewhere = total - seen - delta
  if elsewhere < 0 then elsewhere = 0 end
  return elsewhere
end
local out = {}
for i = 5, #ARGV, 4 do
  local base = prefix .. 'addr:' .. ARGV[i]
  local openKey = base .. ':open'
  redis.call('HSET', openKey, node, ARGV[i + 1] .. ':' .. now)
  local fields = redis.call('HGETALL', openKey)
  local elsewhere = 0
  for j = 1, #fields, 2 do
    if fields[j] ~= node then
      local n, at = string.match(fields[j + 1], '(%d+):(%d+)')
      if now - tonumber(at) <= staleMs then elsewhere = elsewhere + tonumber(n)
      else redis.call('HDEL', openKey, fields[j]) end
    end
  end
  redis.call('PEXPIRE', openKey, ttlMs)
  out[#out + 1] = { ARGV[i], elsewhere, counter(base .. ':new', tonumber(ARGV[i + 2])),
    counter(base .. ':msg', tonumber(ARGV[i + 3])) }
end
return out
`;

/** Addresses per script call, so one call never blocks Redis for long. */
const ROWS_PER_CALL = 500;

export class RedisLedgerBackend implements LedgerBackend {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly staleMs: number,
    private readonly ttlMs: number,
  ) {}

  async exchange(participant: string, rows: ReportRow[]): Promise<AnswerRow[]> {
    const answer: AnswerRow[] = [];
    for (let i = 0; i < rows.length; i += ROWS_PER_CALL) {
      const args: (string | number)[] = [participant, this.staleMs, this.ttlMs, this.prefix];
      for (const row of rows.slice(i, i + ROWS_PER_CALL)) args.push(...row);
      const result = (await this.redis.eval(SCRIPT, 0, ...args)) as [string, number, number, number][];
      for (const [address, open, fresh, messages] of result)
        answer.push([address, Number(open), Number(fresh), Number(messages)]);
    }
    return answer;
  }
}
