// The chat page: wires the join form, the conversation, the people list, the composer and the
// connection together. Everything a user or the server supplies reaches the DOM as text only.
import { Banner } from './banner.js';
import { Composer } from './composer.js';
import { Connection, type LinkState } from './connection.js';
import { byId } from './dom.js';
import { MessageView } from './message-view.js';
import type { ChatMessage, ServerMessage, User } from './native-messages.js';
import { PeopleView } from './people-view.js';
import { loadPrefs, savePrefs } from './prefs.js';
import { isUnknownTarget, politeError } from './server-errors.js';
import { socketFromQuery } from './socket-url.js';
import { mentionsMe } from './rich-text.js';
import { TYPING_SEND_MS, TypingView } from './typing-view.js';
import { clearSession, loadSession, saveSession, type SavedSession } from './session-store.js';

const HISTORY_LIMIT = 50;
const NAME_MAX = 32;
const ROOM_MAX = 64;

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

function tabStorage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

/** This tab's identity, if it has one: a reload rejoins with it instead of showing the form. */
let saved: SavedSession | undefined = loadSession(tabStorage());

const joinView = byId('join-view');
const chatView = byId('chat-view');
const joinForm = byId<HTMLFormElement>('join-form');
const nameInput = byId<HTMLInputElement>('name');
const roomInput = byId<HTMLInputElement>('room');
const joinError = byId('join-error');
const joinButton = byId<HTMLButtonElement>('join-button');
const joinCancel = byId<HTMLButtonElement>('join-cancel');

let me: User | undefined;
let room: string | undefined;
let everOnline = false;
let joining = false;
/** Set when an open link was lost: the next welcome is a return, not a new arrival. */
let rejoinAfterOutage = false;
let unread = 0;
let mentioned = false;
/** The "you joined" notice, held back until the history it follows has been shown. */
let pendingNotice: { divider: string; text: string; ts: number } | undefined;
/** Last message id seen per room, for `join.after` when the link comes back. */
const lastIds = new Map<string, string>();

const messages = new MessageView(byId<HTMLOListElement>('messages'), byId<HTMLButtonElement>('jump'), (u) =>
  people.label(u),
);
const composer = new Composer(
  {
    form: byId<HTMLFormElement>('composer'),
    text: byId<HTMLTextAreaElement>('text'),
    send: byId<HTMLButtonElement>('send'),
    target: byId('target'),
    targetText: byId('target-text'),
    targetClear: byId<HTMLButtonElement>('target-clear'),
  },
  (text, to) => connection.send({ type: 'send', to: to ? to.id : 'all', text }),
  () => people.setTarget(undefined),
);
const people = new PeopleView(byId<HTMLUListElement>('people'), byId('people-count'), (user) => {
  const next = composer.target?.id === user.id ? undefined : user;
  composer.setTarget(next);
  people.setTarget(next?.id);
  composer.focus();
});
const typingView = new TypingView(byId('typing'), (u) => people.label(u));
let typingSentAt = 0;
// Tell the room this person is typing, at most every few seconds (the server throttles too).
byId<HTMLTextAreaElement>('text').addEventListener('input', (event) => {
  const now = Date.now();
  if (!me || (event.target as HTMLTextAreaElement).value === '' || now - typingSentAt < TYPING_SEND_MS)
    return;
  if (connection.send({ type: 'typing' })) typingSentAt = now;
});

const connection = new Connection({
  onState: showLink,
  onMessage: handle,
  lastMessageId: (r) => lastIds.get(r),
  sessionToken: () => saved?.token,
});
const banner = new Banner(byId('banner'), byId('banner-text'), byId<HTMLButtonElement>('retry'), () =>
  connection.retryNow(),
);

// Say where a `?ws=` address sends the page, and that a bad one is ignored (never used).
const asked = socketFromQuery(location.search);
if (asked.kind !== 'server') {
  const note = byId('ws-note');
  note.hidden = false;
  note.dataset.kind = asked.kind;
  note.textContent =
    asked.kind === 'param'
      ? `Connecting through ${asked.url} (from ?ws= in this page's address).`
      : "Ignoring ?ws= in this page's address: only ws:// and wss:// URLs are used. Connecting to the chat server's own address.";
}

let previousLink: LinkState['state'] = 'idle';

function showLink(link: LinkState): void {
  document.body.dataset.state = link.state;
  composer.setOnline(link.state === 'online');
  banner.show(link, everOnline);
  // One notice per outage, not one per failed attempt.
  if (link.state === 'offline' && previousLink === 'online') {
    rejoinAfterOutage = true;
    messages.addNotice('error', 'Connection lost. Reconnecting…');
  }
  previousLink = link.state;
}

function handle(m: ServerMessage): void {
  // Live events after the join come after its notice, even if the history answer is late.
  if (m.type === 'joined' || m.type === 'left' || m.type === 'message') flushNotice();
  switch (m.type) {
    case 'welcome':
      typingSentAt = 0;
      if (m.session !== undefined || saved) {
        saved = { token: m.session ?? saved!.token, name: m.you.name, room: m.room };
        saveSession(tabStorage(), saved);
      }
      return welcome(m.you, m.room, m.users, m.ts);
    case 'joined':
      if (m.room && m.room !== room) return;
      people.add(m.user);
      messages.addNotice('join', `${m.user.name} joined`, m.ts);
      return;
    case 'left':
      if (m.user.id === me?.id || (m.room && m.room !== room)) return;
      messages.addNotice(
        'leave',
        m.moved === undefined
          ? `${people.label(m.user)} left`
          : `${people.label(m.user)} moved to #${m.moved}`,
        m.ts,
      );
      people.remove(m.user.id);
      typingView.stop(m.user.id);
      if (composer.target?.id === m.user.id) {
        privateTo(undefined);
        messages.addNotice('info', `Messages go to everyone again.`, m.ts);
      }
      return;
    case 'typing':
      if (m.user.id !== me?.id && (!m.room || m.room === room)) typingView.show(m.user);
      return;
    case 'message':
      typingView.stop(m.from.id);
      return show(m);
    case 'history':
      if (!m.complete) messages.addNotice('info', 'Some older messages are not shown.');
      for (const message of m.messages) show(message, true);
      flushNotice(m.messages.length > 0);
      return;
    case 'error':
      return serverError(m.code, m.message);
    default:
      return;
  }
}

function welcome(you: User, joinedRoom: string, users: User[], ts: number): void {
  const sameRoom = room === joinedRoom;
  const renamed = me !== undefined && me.name !== you.name;
  me = you;
  everOnline = true;
  joining = false;
  // The history that comes next (the room's last messages, or what was missed) reads first; the
  // notice follows it, after a divider, so "you joined" never sits above what it follows.
  if (!sameRoom) {
    messages.clear();
    typingView.clear();
    privateTo(undefined);
    room = joinedRoom;
    pendingNotice = { divider: 'Earlier messages', text: `You joined #${joinedRoom} as ${you.name}.`, ts };
  } else if (rejoinAfterOutage) {
    pendingNotice = { divider: 'While you were away', text: 'Reconnected.', ts };
  } else if (renamed) {
    messages.addNotice('info', `You are now ${you.name}.`, ts);
  }
  rejoinAfterOutage = false;
  people.reset(you, users);
  // A private conversation cannot continue with someone who is gone after an outage.
  const target = composer.target;
  if (target && !people.get(target.id)) privateTo(undefined);
  else people.setTarget(target?.id);
  const asksHistory = !sameRoom && !lastIds.has(joinedRoom);
  if (asksHistory) connection.send({ type: 'history', limit: HISTORY_LIMIT });
  // A return with an id gets its missed messages unasked; otherwise no history is coming.
  else if (!lastIds.has(joinedRoom)) flushNotice();
  byId('room-name').textContent = joinedRoom;
  byId('me-name').textContent = you.name;
  joinButton.disabled = false;
  joinButton.textContent = 'Join';
  joinError.textContent = '';
  const wasJoining = chatView.hidden;
  joinView.hidden = true;
  chatView.hidden = false;
  updateTitle();
  if (wasJoining) composer.focus();
}

/** Shows the held-back notice, after a divider when history came before it. */
function flushNotice(afterHistory = false): void {
  const notice = pendingNotice;
  if (!notice) return;
  pendingNotice = undefined;
  if (afterHistory) messages.addDivider(notice.divider);
  messages.addNotice('info', notice.text, notice.ts);
}

function show(m: ChatMessage, fromHistory = false): void {
  if (!messages.addMessage(m, me)) return;
  lastIds.set(m.room || room || '', m.id);
  if (fromHistory || m.from.id === me?.id) return;
  const forMe = mentionsMe(m.text, me?.name);
  if (document.hidden) {
    unread += 1;
    if (forMe) mentioned = true;
    updateTitle();
  }
}

function serverError(code: string, message: string): void {
  const text = politeError(code, message);
  if (joining) {
    joining = false;
    joinView.hidden = false;
    joinButton.disabled = false;
    joinButton.textContent = 'Join';
    joinError.textContent = text;
    nameInput.focus();
    return;
  }
  messages.addNotice('error', text);
  if (isUnknownTarget(code)) privateTo(undefined);
}

function privateTo(user: User | undefined): void {
  composer.setTarget(user);
  people.setTarget(user?.id);
}

function updateTitle(): void {
  const base = room === undefined ? 'wirechat' : `#${room} · wirechat`;
  const cue = mentioned ? `(@${unread})` : `(${unread})`;
  document.title = unread > 0 ? `${cue} ${base}` : base;
}

joinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const name = nameInput.value.trim();
  const wanted = roomInput.value.trim();
  if (!name || name.length > NAME_MAX) {
    joinError.textContent = name
      ? `A nickname has at most ${NAME_MAX} characters.`
      : 'Please choose a nickname.';
    nameInput.focus();
    return;
  }
  if (!wanted || wanted.length > ROOM_MAX) {
    joinError.textContent = wanted
      ? `A room name has at most ${ROOM_MAX} characters.`
      : 'Please choose a room.';
    roomInput.focus();
    return;
  }
  joinError.textContent = '';
  savePrefs(storage(), { name, room: wanted });
  if (me && name === me.name && wanted === room && connection.current.state === 'online') {
    backToChat();
    return;
  }
  joining = true;
  joinButton.disabled = true;
  joinButton.textContent = 'Joining…';
  connection.joinRoom({ name, room: wanted });
});

function backToChat(): void {
  joinView.hidden = true;
  chatView.hidden = false;
  composer.focus();
}

byId('change').addEventListener('click', () => {
  nameInput.value = me?.name ?? nameInput.value;
  roomInput.value = room ?? roomInput.value;
  joinCancel.hidden = false;
  chatView.hidden = true;
  joinView.hidden = false;
  nameInput.focus();
});
joinCancel.addEventListener('click', backToChat);

byId('leave').addEventListener('click', () => {
  connection.leave();
  clearSession(tabStorage());
  saved = undefined;
  nameInput.value = me?.name ?? nameInput.value;
  roomInput.value = room ?? roomInput.value;
  me = undefined;
  room = undefined;
  everOnline = false;
  lastIds.clear();
  messages.clear();
  privateTo(undefined);
  joinCancel.hidden = true;
  chatView.hidden = true;
  joinView.hidden = false;
  joinError.textContent = 'You left the room.';
  updateTitle();
  nameInput.focus();
});

document.addEventListener('visibilitychange', () => {
  if (!document.hidden && unread > 0) {
    unread = 0;
    mentioned = false;
    updateTitle();
  }
});
// The network came back: no need to sit out the rest of the back-off.
window.addEventListener('online', () => connection.retryNow());

const prefs = loadPrefs(storage());
nameInput.value = saved?.name ?? prefs.name;
roomInput.value = saved?.room ?? prefs.room;
composer.setOnline(false);
if (saved) {
  // A reload: straight back in as the same person; the form shows only if the server refuses.
  joinView.hidden = true;
  joining = true;
  connection.joinRoom({ name: saved.name, room: saved.room });
} else (prefs.name ? joinButton : nameInput).focus();
