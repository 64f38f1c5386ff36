// The ledger's meeting point in Redis, for many nodes: one script call per exchange (per 500
// addresses). Per address, keys that expire when nobody reports the address for `ttlMs`:
//   <prefix>addr:<address>:open     hash node → "count:ms"; counts older than `staleMs` are
//                                   dropped (a node that died stops counting)
//   <prefix>addr:<address>:buckets hash nt/na (new connections: tokens, when), mt/ma (messages)
// Times are Redis's own (TIME), so nodes with skewed clocks still agree on what is stale.
import type { Redis } from 'ioredis';
import type { AddressLimits } from './address-ledger.js';
import type { AnswerRow, LedgerBackend, ReportRow } from './synced-address-ledger.js';

const SCRIPT = `
local node, staleMs, ttlMs, prefix = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local newPerMs, newBurst = tonumber(ARGV[5]), tonumber(ARGV[6])
local msgPerMs, msgBurst = tonumber(ARGV[7]), tonumber(ARGV[8])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function drain(key, tf, af, used, perMs, burst)
  local v = redis.call('HMGET', key, tf, af)
  local tokens, at = tonumber(v[1]) or burst, tonumber(v[2]) or now
  local elapsed = now - at
  if elapsed < 0 then elapsed = 0 end
  tokens = math.min(burst, tokens + elapsed * perMs) - used
  if tokens < -burst then tokens = -burst end
  redis.call('HSET', key, tf, tostring(tokens), af, now)
  return tostring(tokens)
end
local out = {}
for i = 9, #ARGV, 4 do
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
  local buckets = base .. ':buckets'
  local fresh = drain(buckets, 'nt', 'na', tonumber(ARGV[i + 2]), newPerMs, newBurst)
  local messages = drain(buckets, 'mt', 'ma', tonumber(ARGV[i + 3]), msgPerMs, msgBurst)
  redis.call('PEXPIRE', buckets, ttlMs)
  out[#out + 1] = { ARGV[i], elsewhere, fresh, messages }
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

  async exchange(participant: string, rows: ReportRow[], limits: AddressLimits): Promise<AnswerRow[]> {
    const answer: AnswerRow[] = [];
    const head = [
      participant,
      this.staleMs,
      this.ttlMs,
      this.prefix,
      limits.maxNew / limits.newWindowMs,
      limits.maxNew,
      limits.messageRate / 1000,
      limits.messageBurst,
    ];
    for (let i = 0; i < rows.length; i += ROWS_PER_CALL) {
      const args: (string | number)[] = [...head];
      for (const row of rows.slice(i, i + ROWS_PER_CALL)) args.push(...row);
      // Fractional token levels travel as strings (a script's numbers become integers).
      const result = (await this.redis.eval(SCRIPT, 0, ...args)) as [string, number, string, string][];
      for (const [address, open, fresh, messages] of result)
        answer.push([address, Number(open), Number(fresh), Number(messages)]);
    }
    return answer;
  }
}
