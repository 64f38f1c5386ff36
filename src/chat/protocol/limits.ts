// Input limits shared by every dialect's decoder (the frame size and rate live in the transport).

export interface InputLimits {
  /** Longest name, in characters (UTF-16 code units). */
  maxName: number;
  /** Longest message content, in characters (UTF-16 code units). */
  maxContent: number;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = { maxName: 32, maxContent: 4000 };

/** Rooms are short labels; the same cap for every dialect keeps presence keys small. */
export const MAX_ROOM = 64;

/** Longest history a client may ask for at once. */
export const MAX_HISTORY = 100;
/** How many messages a `history` request without a limit gets. */
export const DEFAULT_HISTORY = 50;
