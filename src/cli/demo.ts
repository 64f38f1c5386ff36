// Placeholder until the demo lands.
import { UserError } from '../shared/errors.js';

export async function run(_args: string[]): Promise<number> {
  throw new UserError("'demo' is not available yet", 'NOT_AVAILABLE', 2);
}
