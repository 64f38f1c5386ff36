// The conversation: messages and notices, newest at the bottom. Follows new messages while the
// reader is at the bottom; when they have scrolled up to read, it leaves them there and offers a
// "new messages" button instead of yanking the view.
import { el } from './dom.js';
import { initial, isoTime, shortTime, userHue } from './format.js';
import type { ChatMessage, User } from './native-messages.js';
import { splitText } from './rich-text.js';

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
  /** The day of the last dated entry, so a day separator appears when it changes. */
  private day: string | undefined;

  constructor(
    private readonly list: HTMLOListElement,
    private readonly jump: HTMLButtonElement,
    /** How a sender is shown: their name, marked when someone else in the room has the same one. */
    private readonly labelOf: (user: User) => string = (u) => u.name,
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
    this.day = undefined;
    this.jump.hidden = true;
  }

  /** Adds a message unless it is already shown (a replay after reconnecting); true when added. */
  addMessage(m: ChatMessage, me: User | undefined): boolean {
    if (this.seen.has(m.id)) return false;
    this.seen.add(m.id);
    this.dayChange(m.ts);
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
      el('span', 'sender', own ? 'You' : this.labelOf(m.from)),
      m.private ? el('span', 'badge', privateLabel(m, own)) : null,
      timeElement(m.ts),
    );
    const text = richText(m.text, own ? undefined : me?.name);
    const bubble = el('div', 'bubble', meta, text);
    if (text.querySelector('.mention')) classes.push('mentions-me');
    const item = el('li', classes.filter(Boolean).join(' '), avatar, bubble);
    // The sender's colour, shared by the avatar and the name.
    item.style.setProperty('--hue', String(userHue(m.from.id)));
    item.dataset.id = m.id;
    item.dataset.from = m.from.id;
    this.append(item, own);
    return true;
  }

  /** A labelled rule between what was said before and what follows ("Earlier messages"). */
  addDivider(label: string): void {
    this.last = undefined;
    const item = el('li', 'divider', el('span', 'divider-text', `${label} ↑`));
    item.setAttribute('role', 'separator');
    item.setAttribute('aria-label', label);
    this.append(item, false);
  }

  addNotice(kind: NoticeKind, text: string, ts: number = Date.now()): void {
    this.dayChange(ts);
    this.last = undefined;
    const item = el('li', `notice ${kind}`, el('span', 'notice-text', text), timeElement(ts));
    if (kind === 'error') item.setAttribute('role', 'alert');
    this.append(item, false);
  }

  private dayChange(ts: number): void {
    const day = new Date(ts).toDateString();
    if (this.day !== undefined && this.day !== day) {
      const label = new Date(ts).toLocaleDateString(undefined, {
        weekday: 'long',
        day: 'numeric',
        month: 'long',
      });
      const item = el('li', 'divider day', el('span', 'divider-text', label));
      item.setAttribute('role', 'separator');
      item.setAttribute('aria-label', label);
      this.list.append(item);
    }
    this.day = day;
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

/** Text with http(s) links as <a> and mentions of the reader marked; every piece set as text. */
function richText(text: string, myName: string | undefined): HTMLParagraphElement {
  const p = el('p', 'text');
  for (const piece of splitText(text, myName)) {
    if (piece.kind === 'text') p.append(document.createTextNode(piece.text));
    else if (piece.kind === 'mention') p.append(el('mark', 'mention', piece.text));
    else {
      const a = el('a', 'link', piece.text);
      a.href = piece.href;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      p.append(a);
    }
  }
  return p;
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
