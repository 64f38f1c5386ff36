// "bob is typing…": who in the room is writing, from the server's typing notices. Each notice
// lasts a few seconds unless renewed, and a message from that person ends it at once. The line
// is a polite status region, so screen readers hear it without losing their place.
import type { User } from './native-messages.js';

/** How long one notice shows; the server passes one per person at most every 2 s. */
const SHOW_MS = 4000;
/** How often this page tells the server its person is typing. */
export const TYPING_SEND_MS = 3000;

export class TypingView {
  private readonly typing = new Map<string, { user: User; timer: number }>();

  constructor(
    private readonly line: HTMLElement,
    private readonly labelOf: (user: User) => string,
  ) {}

  show(user: User): void {
    const known = this.typing.get(user.id);
    if (known) window.clearTimeout(known.timer);
    const timer = window.setTimeout(() => this.stop(user.id), SHOW_MS);
    this.typing.set(user.id, { user, timer });
    this.render();
  }

  stop(id: string): void {
    const known = this.typing.get(id);
    if (!known) return;
    window.clearTimeout(known.timer);
    this.typing.delete(id);
    this.render();
  }

  clear(): void {
    for (const id of [...this.typing.keys()]) this.stop(id);
  }

  private render(): void {
    const names = [...this.typing.values()].map((t) => this.labelOf(t.user));
    this.line.textContent =
      names.length === 0
        ? ''
        : names.length === 1
          ? `${names[0]} is typing…`
          : names.length === 2
            ? `${names[0]} and ${names[1]} are typing…`
            : 'Several people are typing…';
  }
}
