import { fillPlaceholders } from './placeholders';

describe('fillPlaceholders', () => {
  const values = { port: 7001, instance: 'match-42' };

  it('replaces every occurrence', () => {
    expect(fillPlaceholders(['--port={port}', '{instance}/{port}/{instance}'], values)).toEqual(['--port=7001', 'match-42/7001/match-42']);
  });

  it('leaves other text alone', () => {
    expect(fillPlaceholders(['{PORT}', '{ port }', '$PORT', '{{port}}', ''], values)).toEqual(['{PORT}', '{ port }', '$PORT', '{7001}', '']);
  });

  it('does not expand placeholders inside values', () => {
    expect(fillPlaceholders(['{instance}'], { port: 7001, instance: '{port}' })).toEqual(['{port}']);
  });
});
