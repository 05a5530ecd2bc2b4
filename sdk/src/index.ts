export type { ChatApi } from './chat';
export { OmninannyClient, type ClientEvents, type ClientLogger, type JoinOptions, type OmninannyClientOptions } from './client';
export { InvalidTokenError, MatchmakingError, OmninannyError } from './errors';
export * from './protocol';
export type { Socket } from 'socket.io-client';
