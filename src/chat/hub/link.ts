// What the hub needs from a connection: a way to send a finished frame and to close it. The
// transport implements it; tests can implement it with an array.

export interface Link {
  /** Sends one text frame. Frames may be shared between recipients: the link must not modify them. */
  send(frame: Buffer): void;
  close(code: number, reason: string): void;
}

/** The small part of a pino logger the hub uses, so it can be given any logger. */
export interface HubLogger {
  info(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
