// The connection banner: invisible while all is well, a clear notice (with a countdown and a
// "Retry now" button) while the page is offline or reconnecting.
import type { LinkState } from './connection.js';

export class Banner {
  private ticker: number | undefined;

  constructor(
    private readonly box: HTMLElement,
    private readonly text: HTMLElement,
    private readonly retry: HTMLButtonElement,
    onRetry: () => void,
  ) {
    retry.addEventListener('click', onRetry);
  }

  show(link: LinkState, everOnline: boolean): void {
    window.clearInterval(this.ticker);
    this.ticker = undefined;
    this.box.dataset.kind = link.state;
    // Joining for the first time shows on the join button; only a rejoin needs the banner.
    if (link.state === 'online' || link.state === 'idle' || (link.state === 'joining' && !everOnline)) {
      this.box.hidden = true;
      return;
    }
    this.box.hidden = false;
    this.retry.textContent = 'Retry now';
    if (link.state === 'moved') {
      this.text.textContent = 'This chat continued in another tab or window.';
      this.retry.textContent = 'Use it here';
      this.retry.hidden = false;
      return;
    }
    if (link.state === 'connecting' || link.state === 'joining') {
      const again = everOnline || (link.state === 'connecting' && link.attempt > 0);
      this.text.textContent = again ? 'Reconnecting…' : 'Connecting…';
      this.retry.hidden = true;
      return;
    }
    const render = () => {
      const seconds = Math.max(0, Math.ceil((link.retryAt - Date.now()) / 1000));
      this.text.textContent = `${offlineReason(link.closeCode, everOnline)} Retrying in ${seconds} s.`;
    };
    render();
    this.retry.hidden = false;
    this.ticker = window.setInterval(render, 1000);
  }
}

function offlineReason(code: number | undefined, everOnline: boolean): string {
  if (code === 1001) return 'The server is restarting.';
  if (code === 1008) return 'The server closed the connection (too many messages too fast).';
  if (code === 1009) return 'The server closed the connection (message too large).';
  return everOnline ? 'Offline: connection lost.' : 'Cannot reach the chat server.';
}
