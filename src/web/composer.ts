// Where a message is written: Enter sends, Shift+Enter starts a new line, Escape returns a
// private message to "everyone". Shows clearly who will read the next message.
import type { User } from './native-messages.js';

export type ComposerElements = {
  form: HTMLFormElement;
  text: HTMLTextAreaElement;
  send: HTMLButtonElement;
  target: HTMLElement;
  targetText: HTMLElement;
  targetClear: HTMLButtonElement;
};

/** The textarea grows with its text up to this height (px), then scrolls. */
const MAX_HEIGHT = 160;

export class Composer {
  private to: User | undefined;
  private online = false;

  constructor(
    private readonly e: ComposerElements,
    /** Returns true when the message left; otherwise the text stays for another try. */
    private readonly onSend: (text: string, to: User | undefined) => boolean,
    /** Told when the person returns to "everyone" from the composer itself (button or Escape). */
    private readonly onTargetCleared: () => void,
  ) {
    e.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    e.text.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      } else if (event.key === 'Escape' && this.to) {
        event.preventDefault();
        this.setTarget(undefined);
        this.onTargetCleared();
      }
    });
    e.text.addEventListener('input', () => this.fit());
    e.targetClear.addEventListener('click', () => {
      this.setTarget(undefined);
      this.onTargetCleared();
      this.focus();
    });
  }

  get target(): User | undefined {
    return this.to;
  }

  setTarget(user: User | undefined): void {
    this.to = user;
    const { target, targetText, targetClear, text } = this.e;
    target.dataset.private = String(user !== undefined);
    targetText.textContent = user ? `Private to ${user.name}` : 'To everyone';
    targetClear.hidden = user === undefined;
    text.placeholder = user ? `Private message to ${user.name}…` : 'Write a message…';
  }

  setOnline(online: boolean): void {
    this.online = online;
    this.e.send.disabled = !online;
    this.e.send.title = online ? '' : 'Offline: your text is kept until the connection is back';
  }

  focus(): void {
    this.e.text.focus();
  }

  private submit(): void {
    const text = this.e.text.value.trim();
    if (!text || !this.online) return;
    if (this.onSend(text, this.to)) {
      this.e.text.value = '';
      this.fit();
    }
  }

  private fit(): void {
    const t = this.e.text;
    t.style.height = 'auto';
    t.style.height = `${Math.min(t.scrollHeight, MAX_HEIGHT)}px`;
  }
}
