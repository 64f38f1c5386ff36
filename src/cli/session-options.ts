// `wirechat serve` options for wirechat's dialect sessions: how long a dropped user is held for a
// return with their session token before everyone is told they left.
import type { OptionSpec, ParsedArgs } from '../shared/args.js';
import { numberOption } from '../shared/args.js';
import { DEFAULT_RECONNECT_GRACE_MS } from '../chat/hub/held-users.js';

export const sessionOptionSpecs: Record<string, OptionSpec> = {
  'reconnect-grace': {
    type: 'string',
    value: 'SECONDS',
    description:
      "how long a page user whose connection dropped stays listed, unannounced, for a return with their session token (0: 'left' at once)",
    env: 'WIRECHAT_RECONNECT_GRACE',
    default: String(DEFAULT_RECONNECT_GRACE_MS / 1000),
  },
};

export function parseSessionOptions(v: ParsedArgs['values']): { reconnectGrace: number } {
  return { reconnectGrace: numberOption(v, 'reconnect-grace', 0, 3600) };
}
