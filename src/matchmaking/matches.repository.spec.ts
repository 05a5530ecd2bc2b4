import { groupTickets, MatchRule } from './matches.repository';

const tickets = (...waited: number[]) => waited.map((seconds, index) => ({ id: `t${index + 1}`, waited: seconds }));
const ids = (groups: { id: string }[][]) => groups.map((group) => group.map((ticket) => ticket.id));

describe('groupTickets', () => {
  const duel: MatchRule = { mode: 'duel', playersMin: 2, playersMax: 2, matchWaitSeconds: 30 };
  const squad: MatchRule = { mode: 'squad', playersMin: 2, playersMax: 4, matchWaitSeconds: 10 };

  it('splits the oldest tickets into full matches', () => {
    expect(ids(groupTickets(tickets(5, 4, 3, 2), duel))).toEqual([['t1', 't2'], ['t3', 't4']]);
  });

  it('keeps a short group after the wait', () => {
    expect(ids(groupTickets(tickets(12, 11, 10, 9, 11, 3), squad))).toEqual([['t1', 't2', 't3', 't4'], ['t5', 't6']]);
    expect(ids(groupTickets(tickets(12, 11, 10, 9, 9, 3), squad))).toEqual([['t1', 't2', 't3', 't4']]);
  });

  it('forms nothing from a lone ticket below the minimum, however long it waited', () => {
    expect(groupTickets(tickets(100), duel)).toEqual([]);
    expect(groupTickets([], duel)).toEqual([]);
  });
});
