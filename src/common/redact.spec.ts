import { redactKey } from './redact';

describe('redactKey', () => {
  it.each([
    ['/api/server/user?key=secret&sub=1', '/api/server/user?key=[REDACTED]&sub=1'],
    ['/api/server/user?sub=1&key=secret', '/api/server/user?sub=1&key=[REDACTED]'],
    ['/api/server/user?sub=1&KEY=secret#frag', '/api/server/user?sub=1&KEY=[REDACTED]#frag'],
    ['/api/server/user?monkey=1', '/api/server/user?monkey=1'],
    ['/api/server/user?sub=a&k%65y=secret', '/api/server/user?sub=a&k%65y=[REDACTED]'],
    ['/api/server/user?%6Bey=secret', '/api/server/user?%6Bey=[REDACTED]'],
    ['/api/server/user?key', '/api/server/user?key=[REDACTED]'],
    ['/api/server/user?bad=%E0%A4%A&key=s', '/api/server/user?bad=%E0%A4%A&key=[REDACTED]'],
    ['/api/server/user', '/api/server/user'],
  ])('redacts %s', (url, expected) => {
    expect(redactKey(url)).toBe(expected);
  });
});
