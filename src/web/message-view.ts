// The conversation: messages and notices, newest at the bottom. Follows new messages while the
// reader is at the bottom; when they have scrolled up to read, it leaves them there and offers a
// "new messages" button instead of yanking the view.
import { el } from './dom.js';
import { initial, isoTime, shortTime, userHue } from './format.js';
import type { ChatMessage, User } from './native-messages.js';

/** Older entries are dropped past this many, so a page left open for days stays light. */
const MAX_ENTRIES = 500;
/** Consecutive messages of one sender within this time share one header. */
const GROUP_MS = 5 * 60_000;
/** How close to the bottom (px) still counts as "reading the latest". */
const NEAR_BOTTOM = 80;

export type NoticeKind = 'join' | 'leave' | 'info' | 'error';

export class MessageView {
  private readonly seen = new Set<string>();
  private last: { fromId: string; ts: number; privateKey: string } | undefined;

  constructor(
    private readonly list: HTMLOListElement,
    private readonly jump: HTMLButtonElement,
  ) {
    list.addEventListener('scroll', () => {
      if (this.atBottom()) jump.hidden = true;
    });
    jump.addEventListener('click', () => this.scrollToEnd());
  }

  clear(): void {
    this.list.replaceChildren();
    this.seen.clear();
    this.last = undefined;
    this.jump.hidden = true;
  }

  /** Adds a message unless it is already shown (a replay after reconnecting); true when added. */
  addMessage(m: ChatMessage, me: User | undefined): boolean {
    if (this.seen.has(m.id)) return false;
    this.seen.add(m.id);
    const own = me !== undefined && m.from.id === me.id;
    const privateKey = m.to === 'all' ? '' : m.to.id;
    const continues =
      this.last !== undefined &&
      this.last.fromId === m.from.id &&
      this.last.privateKey === privateKey &&
      m.ts - this.last.ts < GROUP_MS;
    this.last = { fromId: m.from.id, ts: m.ts, privateKey };

    const classes = ['msg', own ? 'own' : 'other', m.private ? 'private' : '', continues ? 'cont' : ''];
    const avatar = el('span', 'avatar', initial(m.from.name));
    avatar.setAttribute('aria-hidden', 'true');

    const meta = el(
      'div',
      'meta',
      el('span', 'sender', own ? 'You' : m.from.name),
      m.private ? el('span', 'badge', privateLabel(m, own)) : null,
      timeElement(m.ts),
    );
    const bubble = el('div', 'bubble', meta, el('p', 'text', m.text));
    const item = el('li', classes.filter(Boolean).join(' '), avatar, bubble);
    // The sender's colour, shared by the avatar and the name.
    item.style.setProperty('--hue', String(userHue(m.from.id)));
    item.dataset.id = m.id;
    item.dataset.from = m.from.id;
    this.append(item, own);
    return true;
  }

  addNotice(kind: NoticeKind, text: string, ts: number = Date.now()): void {
    this.last = undefined;
    const item = el('li', `notice ${kind}`, el('span', 'notice-text', text), timeElement(ts));
    if (kind === 'error') item.setAttribute('role', 'alert');
    this.append(item, false);
  }

  private append(item: HTMLElement, force: boolean): void {
    const follow = force || this.atBottom();
    this.list.append(item);
    while (this.list.childElementCount > MAX_ENTRIES) {
      const old = this.list.firstElementChild as HTMLElement | null;
      if (old?.dataset.id) this.seen.delete(old.dataset.id);
      old?.remove();
    }
    if (follow) this.scrollToEnd();
    else this.jump.hidden = false;
  }

  private atBottom(): boolean {
    const l = this.list;
    return l.scrollHeight - l.scrollTop - l.clientHeight < NEAR_BOTTOM;
  }

  private scrollToEnd(): void {
    this.list.scrollTop = this.list.scrollHeight;
    this.jump.hidden = true;
  }
}

function privateLabel(m: ChatMessage, own: boolean): string {
  if (own && m.to !== 'all') return `private to ${m.to.name}`;
  return 'private to you';
}

function timeElement(ts: number): HTMLTimeElement {
  const t = el('time', 'time', shortTime(ts));
  t.dateTime = isoTime(ts);
  t.title = new Date(ts).toLocaleString();
  return t;
}
