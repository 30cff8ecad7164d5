import { describe, expect, it } from 'vitest';
import { eventMatches, parseEvent, parseSubscriptionState } from './notify-headers';

describe('parseSubscriptionState (RFC 6665 §8.2.3)', () => {
  it.each([
    ['active;expires=599', { state: 'active', expires: 599 }],
    ['pending', { state: 'pending' }],
    ['Terminated;Reason=Rejected', { state: 'terminated', reason: 'rejected' }],
    ['terminated; reason=probation ; retry-after=120', { state: 'terminated', reason: 'probation', retryAfter: 120 }],
    ['terminated;reason=timeout;retry-after=abc', { state: 'terminated', reason: 'timeout' }],
    ['active;expires=-5;foo', { state: 'active' }],
    ['waiting;expires=30', { state: 'active', expires: 30 }],
  ])('%s', (value, expected) => {
    expect(parseSubscriptionState(value)).toEqual(expected);
  });

  it('reads a missing header as active', () => {
    expect(parseSubscriptionState(undefined)).toEqual({ state: 'active' });
  });
});

describe('Event matching (RFC 6665 §8.2.1)', () => {
  it('compares type and id', () => {
    expect(parseEvent('dialog;id=7')).toEqual({ type: 'dialog', id: '7' });
    expect(eventMatches('dialog', { type: 'dialog' })).toBe(true);
    expect(eventMatches('Dialog', { type: 'dialog' })).toBe(true);
    expect(eventMatches('presence', { type: 'dialog' })).toBe(false);
    expect(eventMatches('dialog;id=7', { type: 'dialog' })).toBe(false);
    expect(eventMatches('dialog; id=7', { type: 'dialog', id: '7' })).toBe(true);
    expect(eventMatches('dialog', { type: 'dialog', id: '7' })).toBe(false);
    expect(eventMatches(undefined, { type: 'dialog' })).toBe(true);
  });
});
