// This node's members per room, and delivery of room events to them: the broker subscription of a
// room lives exactly as long as it has a local member, and a broadcast is encoded once per dialect
// present, then the same bytes go to every member.
import { roomChannel, type Broker } from '../broker/broker.js';
import type { Codec } from '../protocol/codec.js';
import type { ChatEvent, Dialect } from '../protocol/events.js';
import type { HistoryAnswers } from './history-answers.js';
import type { Session } from './session.js';

export class LocalRooms {
  /** Sessions per room, in join order. */
  private readonly members = new Map<string, Set<Session>>();

  constructor(
    private readonly broker: Broker,
    private readonly answers: HistoryAnswers,
  ) {}

  get size(): number {
    return this.members.size;
  }

  rooms(): IterableIterator<string> {
    return this.members.keys();
  }

  join(session: Session, room: string): void {
    let local = this.members.get(room);
    if (!local) {
      this.members.set(room, (local = new Set()));
      this.broker.subscribe(roomChannel(room));
    }
    local.add(session);
  }

  leave(session: Session, room: string): void {
    const local = this.members.get(room);
    local?.delete(session);
    if (local && local.size === 0) {
      this.members.delete(room);
      this.broker.unsubscribe(roomChannel(room));
      this.answers.invalidate(room); // nobody here asks for its history any more
    }
  }

  /** Encodes the event once per dialect present, then hands the same bytes to every member. */
  deliver(event: ChatEvent): void {
    if (event.type === 'message') this.answers.invalidate(event.room);
    const members = this.members.get(event.room);
    if (!members) return;
    const frames = new Map<Dialect, Buffer>();
    const actor = event.type === 'message' ? event.from.id : event.user.id;
    for (const member of members) {
      const codec = member.codec!;
      if (event.type === 'join' && member.id === actor && !codec.echoesOwnJoin) continue;
      // Typing notices: never to the typist, and only to dialects that have them.
      if (event.type === 'typing' && (member.id === actor || !codec.typing)) continue;
      let frame = frames.get(codec.dialect);
      if (!frame) frames.set(codec.dialect, (frame = Buffer.from(encodeRoomEvent(codec, event))));
      member.link.send(frame);
    }
  }
}

function encodeRoomEvent(codec: Codec, event: ChatEvent): string {
  switch (event.type) {
    case 'join':
      return codec.join(event);
    case 'leave':
      return codec.leave(event);
    case 'message':
      return codec.publicMessage(event);
    case 'typing':
      return codec.typing!(event); // only asked of codecs that have it (see deliver)
  }
}
