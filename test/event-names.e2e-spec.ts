import { CLIENT_EVENTS as SDK_CLIENT_EVENTS, SERVER_EVENTS as SDK_SERVER_EVENTS } from '../sdk/src/protocol';
import { CLIENT_EVENTS, SERVER_EVENTS } from '../src/gateway/client-events';

// The SDK is a package of its own and cannot import the server's sources, so its copy of
// the event names is checked here against the server's.
describe('client event names', () => {
  it('match the SDK client events', () => {
    expect(SDK_CLIENT_EVENTS).toEqual(CLIENT_EVENTS);
  });

  it('match the SDK server events', () => {
    expect(SDK_SERVER_EVENTS).toEqual(SERVER_EVENTS);
  });
});
