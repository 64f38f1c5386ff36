// A progress bar on stderr for long captures read by `wirechat read` (only on a terminal).
export interface Progress {
  update(bytesRead: number): void;
  done(): void;
}

/** Files smaller than this finish before a bar would help. */
const MIN_BYTES = 32 * 1024 * 1024;

export function createProgress(options: { enabled: boolean; total: number | undefined }): Progress {
  const total = options.total ?? 0;
  if (!options.enabled || total < MIN_BYTES) return { update() {}, done() {} };
  let last = 0;
  let shown = false;
  const mb = (n: number): string => (n / 1048576).toFixed(0);
  return {
    update(bytesRead) {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      const fraction = Math.min(1, bytesRead / total);
      const width = 30;
      const filled = Math.round(fraction * width);
      process.stderr.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${mb(bytesRead)}/${mb(total)} MB`,
      );
      shown = true;
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}
