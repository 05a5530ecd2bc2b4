/**
 * Payloads of the game-client protocol on the default Socket.IO namespace of an Omninanny
 * server. Field names follow the wire format, so they are snake_case where the server's are.
 */

/** Names of the events a game client sends; the server replies to each through its acknowledgement. */
export const CLIENT_EVENTS = {
  userMe: 'user:me',
  commandAck: 'command:ack',
  matchmakingJoin: 'matchmaking:join',
  matchmakingLeave: 'matchmaking:leave',
  chatJoin: 'chat:join',
  chatLeave: 'chat:leave',
  chatSend: 'chat:send',
  chatHistory: 'chat:history',
} as const;

/** Names of the events the server sends to game clients. */
export const SERVER_EVENTS = {
  command: 'command',
  matchmakingMatched: 'matchmaking:matched',
  matchmakingFailed: 'matchmaking:failed',
  chatMessage: 'chat:message',
} as const;

export type ClientEventName = (typeof CLIENT_EVENTS)[keyof typeof CLIENT_EVENTS];
export type ServerEventName = (typeof SERVER_EVENTS)[keyof typeof SERVER_EVENTS];

/** Successful acknowledgement of a client event. */
export type AckSuccess<T extends object = object> = { ok: true } & T;

/** Failed acknowledgement of a client event, with an HTTP-like status code. */
export interface AckFailure {
  ok: false;
  /** 400 invalid payload, 403 forbidden, 404 not found, 409 conflict, 429 rate limited, 500 server error. */
  code: number;
  message: string;
  /** Validation messages, one for each invalid field, when `code` is 400. */
  errors?: string[];
}

/** Acknowledgement of a client event: `{ ok: true, ... }` or `{ ok: false, code, message }`. */
export type Ack<T extends object = object> = AckSuccess<T> | AckFailure;

/** Game server assignment of a user, as returned by `user:me`. */
export interface MatchInfo {
  in_match: boolean;
  /** Game server address, or null outside a match. */
  host: string | null;
  /** Game server port, or null outside a match. */
  port: number | null;
  /** Game mode, or null outside a match. */
  mode: string | null;
}

/** The connected user, as returned by `user:me`. */
export interface UserInfo {
  sub: string;
  code: number;
  /** A freshly signed token for the same user. */
  token: string;
  nickname: string;
  is_online: boolean;
  match: MatchInfo;
}

/** Payload of the `command` event. */
export interface CommandEvent {
  /** Command id (a UUID). A persisted command keeps its id across redeliveries. */
  id: string;
  title: string;
  /** Any JSON value chosen by the sender. */
  body: unknown;
  /** ISO 8601 time at which the server accepted the command. */
  sent_at: string;
  /** Present on persisted commands, which the server redelivers on every connection until `command:ack`. */
  persisted?: true;
}

/** Payload of `matchmaking:matched`: the game server that the ticket's players should join. */
export interface Match {
  ticket: string;
  mode: string;
  host: string;
  port: number;
  /** Id of the game server instance allocated to the match. */
  instance: string;
  /** Subs of every player of the match, the receiving user included. */
  players: string[];
}

/** Payload of `matchmaking:failed`. */
export interface MatchFailure {
  ticket: string;
  /** Reason the ticket ended without a match, for example `timeout`, `no capacity` or `cancelled`. */
  reason: string;
}

/** Sender of a chat message. */
export interface ChatSender {
  sub: string;
  nickname: string;
}

/** Payload of `chat:message` and an item of `chat:history`. */
export interface ChatMessage {
  id: string;
  /** Channel of a channel message; absent on a direct message. */
  channel?: string;
  from: ChatSender;
  /** Recipient sub of a direct message; absent on a channel message. */
  to?: string;
  text: string;
  /** ISO 8601 time at which the server stored the message. */
  sent_at: string;
}

/** Result of `chat:send`. */
export interface ChatSent {
  id: string;
  sent_at: string;
}

/** Payload of `matchmaking:join`. */
export interface MatchmakingJoinRequest {
  mode: string;
  properties?: Record<string, unknown>;
}

/** Payload of `chat:send`: a channel message or a direct message to one user. */
export type ChatSendRequest = { channel: string; text: string } | { to: string; text: string };

/** Payload of `chat:history`. */
export interface ChatHistoryRequest {
  channel: string;
  /** Number of messages, 1 to 100; the server's default is 50. */
  limit?: number;
}

/** Maximum length of a chat message text, in characters, enforced by the server. */
export const CHAT_TEXT_MAX_LENGTH = 1000;
