import { describe, expect, it, vi } from 'vitest';
import type { CallView } from '../../shared/calls';
import { fail, ok } from '../../shared/result';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { AnswerShortcut, callToAnswer } from './global-shortcuts';
import { FakeGlobalShortcut } from './testing/fake-electron';

const call = (id: string, over: Partial<CallView> = {}): CallView =>
  ({ id, line: 1, direction: 'incoming', state: 'ringing', far: { uri: 'sip:102@pbx' }, startedAt: 1000, ...over }) as CallView;

function rig(calls: CallView[] = []) {
  const keys = new FakeGlobalShortcut();
  const logs: string[] = [];
  const answered: string[] = [];
  const showWindow = vi.fn();
  let answer = ok({});
  const shortcut = new AnswerShortcut({
    globalShortcut: keys,
    calls: () => calls,
    answer: (id) => {
      answered.push(id);
      return Promise.resolve(answer);
    },
    showWindow,
    log: (m) => logs.push(m),
  });
  return { keys, logs, answered, showWindow, shortcut, refuse: (m: string) => (answer = fail('not-found', m)) };
}

describe('AnswerShortcut', () => {
  it('answers the longest-ringing incoming call from anywhere and shows the window', () => {
    const calls = [call('out', { direction: 'outgoing' }), call('late', { startedAt: 3000 }), call('early', { startedAt: 2000 }), call('talking', { state: 'connected', startedAt: 1 })];
    const { keys, answered, showWindow, shortcut } = rig(calls);
    const accelerator = DEFAULT_SETTINGS.desktop.answerShortcut;
    expect(shortcut.apply(accelerator)).toEqual({ state: 'registered', accelerator });
    keys.press(accelerator);
    expect(answered).toEqual(['early']);
    expect(showWindow).toHaveBeenCalledTimes(1);
  });

  it('does nothing when no call rings, or only one being answered already', () => {
    const { keys, answered, showWindow, shortcut } = rig([call('a', { pending: 'answer' })]);
    shortcut.apply('F8');
    keys.press('F8');
    expect(answered).toEqual([]);
    expect(showWindow).not.toHaveBeenCalled();
    expect(callToAnswer([])).toBeUndefined();
  });

  it('swaps the keys on a settings change, turns off with "", and unregisters on quit', () => {
    const { keys, shortcut } = rig();
    shortcut.apply('F8');
    shortcut.apply('F8');
    expect([...keys.registered.keys()]).toEqual(['F8']);
    shortcut.apply('Alt+F9');
    expect([...keys.registered.keys()]).toEqual(['Alt+F9']);
    expect(shortcut.apply('')).toEqual({ state: 'off' });
    expect(keys.registered.size).toBe(0);
    shortcut.apply('F8');
    shortcut.dispose();
    expect(keys.registered.size).toBe(0);
    expect(shortcut.status).toEqual({ state: 'off' });
  });

  it('reports keys another application holds, or the OS refuses, without throwing, and tries again later', () => {
    const { keys, logs, shortcut } = rig();
    keys.heldElsewhere.add('F8');
    expect(shortcut.apply('F8')).toEqual({ state: 'failed', accelerator: 'F8', reason: 'another application uses it' });
    expect(logs).toEqual(['The answer shortcut F8 is not available: another application uses it']);
    keys.register = () => {
      throw new Error('Invalid accelerator');
    };
    expect(shortcut.apply('Alt+F9')).toMatchObject({ state: 'failed', reason: 'Invalid accelerator' });
    expect(shortcut.apply('Hyper+Q')).toMatchObject({ state: 'failed', reason: expect.stringMatching(/not a modifier/) });
    keys.register = FakeGlobalShortcut.prototype.register.bind(keys);
    keys.heldElsewhere.clear();
    expect(shortcut.apply('F8')).toEqual({ state: 'registered', accelerator: 'F8' });
  });

  it('logs what calls.answer says when it refuses', async () => {
    const { keys, logs, shortcut, refuse } = rig([call('gone')]);
    refuse('The call has ended');
    shortcut.apply('F8');
    keys.press('F8');
    await vi.waitFor(() => expect(logs).toEqual(['Answer shortcut: The call has ended']));
  });
});
