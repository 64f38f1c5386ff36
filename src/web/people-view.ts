// Who is online in the room. Each other person is a button: picking them makes the next message
// private to them; picking them again (or "Back to everyone") returns to the whole room.
import { el } from './dom.js';
import { initial, userHue } from './format.js';
import type { User } from './native-messages.js';

const nameKey = (name: string) => name.normalize('NFKC').toLowerCase();

export class PeopleView {
  private users = new Map<string, User>();
  private me: User | undefined;
  private target: string | undefined;

  constructor(
    private readonly list: HTMLUListElement,
    private readonly count: HTMLElement,
    private readonly onPick: (user: User) => void,
  ) {}

  reset(me: User, users: User[]): void {
    this.me = me;
    this.users = new Map(users.map((u) => [u.id, u]));
    this.users.set(me.id, me);
    this.render();
  }

  add(user: User): void {
    this.users.set(user.id, user);
    this.render();
  }

  remove(id: string): void {
    this.users.delete(id);
    this.render();
  }

  get(id: string): User | undefined {
    return this.users.get(id);
  }

  /**
   * The name as shown: when several people in the room share a name (the original dialects allow
   * it), everyone after the first in join order is marked "carol ·2", so nobody is impersonated
   * silently. Names compare with case and width folded, as the server's uniqueness check does.
   */
  label(user: User): string {
    const key = nameKey(user.name);
    let n = 0;
    for (const u of this.users.values()) {
      if (nameKey(u.name) !== key) continue;
      n++;
      if (u.id === user.id) return n === 1 ? user.name : `${user.name} ·${n}`;
    }
    return user.name;
  }

  setTarget(id: string | undefined): void {
    this.target = id;
    this.render();
  }

  private render(): void {
    const me = this.me;
    const others = [...this.users.values()]
      .filter((u) => u.id !== me?.id)
      .sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }));
    const items = [me, ...others].filter((u): u is User => u !== undefined).map((u) => this.item(u));
    this.list.replaceChildren(...items);
    this.count.textContent = String(this.users.size);
  }

  private item(user: User): HTMLLIElement {
    const avatar = el('span', 'avatar', initial(user.name));
    avatar.setAttribute('aria-hidden', 'true');
    avatar.style.setProperty('--hue', String(userHue(user.id)));
    const isMe = user.id === this.me?.id;
    if (isMe) {
      const row = el(
        'div',
        'person self',
        avatar,
        el('span', 'person-name', this.label(user)),
        el('span', 'you', 'you'),
      );
      const li = el('li', '', row);
      li.dataset.id = user.id;
      return li;
    }
    const picked = user.id === this.target;
    const button = el('button', 'person', avatar, el('span', 'person-name', this.label(user)));
    button.type = 'button';
    button.setAttribute('aria-pressed', String(picked));
    button.title = picked ? 'Back to everyone' : 'Send a private message';
    button.addEventListener('click', () => this.onPick(user));
    const li = el('li', '', button);
    li.dataset.id = user.id;
    return li;
  }
}
