// Runs a scenario against a URL given by the user, or against targets this command starts
// itself (one at a time, each in its own process, stopped afterwards whatever happens).
import { startTarget, type StartedTarget, type TargetName } from './target.js';
import type { Progress } from './progress.js';

export interface TargetRun {
  /** The target's name, or 'url' for a server given with --url. */
  target: TargetName | 'url';
  url: string;
  /** Set when this command started the target (its RSS can be read). */
  started?: StartedTarget;
}

export async function forEachTarget<R>(
  spec: { url?: string; targets: TargetName[] },
  progress: Progress,
  run: (t: TargetRun) => Promise<R>,
): Promise<Array<{ target: TargetRun['target']; url: string; result: R }>> {
  if (spec.url)
    return [{ target: 'url', url: spec.url, result: await run({ target: 'url', url: spec.url }) }];
  const out: Array<{ target: TargetRun['target']; url: string; result: R }> = [];
  for (const name of spec.targets) {
    progress.line(`starting the ${name} target`);
    const started = await startTarget(name);
    try {
      out.push({
        target: name,
        url: started.url,
        result: await run({ target: name, url: started.url, started }),
      });
    } finally {
      await started.close();
    }
  }
  return out;
}
