/**
 * Names of every event a game client may send on the default namespace. The gateway
 * acknowledges any other event with a 404, so a handler added anywhere
 * must also be listed here.
 */
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

export const KNOWN_CLIENT_EVENTS: ReadonlySet<string> = new Set(Object.values(CLIENT_EVENTS));
