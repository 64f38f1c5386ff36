// Placeholder until the 'bench' command lands; replaced by its real implementation.
import { UserError } from '../shared/errors.js';

export async function run(_args: string[]): Promise<number> {
  throw new UserError("'bench' is not available in this build", 'NOT_AVAILABLE', 2);
}
