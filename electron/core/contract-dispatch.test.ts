import { describe, it, expect } from 'vitest';
import type { CommandHandlers } from '../../shared/contract';
import { commandNames } from '../../shared/contract';
import { dispatchCommand } from './contract-dispatch';

/** Handlers that all answer `result`, whatever it is (the dispatcher must cope with buggy ones). */
function answering(result: unknown): CommandHandlers {
  return Object.fromEntries(commandNames.map((name) => [name, () => result])) as unknown as CommandHandlers;
}

describe('dispatchCommand answers never carry a stack trace', () => {
  it('cuts stack frames from a failure message and keeps only the contract fields', async () => {
    const err = new Error('Maximum nested tags exceeded');
    const leaked = { ok: false, error: { code: 'internal', message: err.stack, field: 'xml', cause: err, path: '/srv' } };
    const result = await dispatchCommand(answering(leaked), 'blf.stats', undefined);
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'Error: Maximum nested tags exceeded', field: 'xml' } });
    expect(JSON.stringify(result)).not.toMatch(/\bat\s|contract-dispatch/);
  });

  it('turns an Error returned as the error into a plain internal failure, and bounds the message', async () => {
    const asError = await dispatchCommand(answering({ ok: false, error: new TypeError('x is undefined') }), 'blf.stats', null);
    expect(asError).toEqual({ ok: false, error: { code: 'internal', message: 'x is undefined' } });
    const long = await dispatchCommand(answering({ ok: false, error: { code: 'sip-error', message: 'y'.repeat(10_000), sipStatus: 503 } }), 'blf.stats', null);
    expect(long).toMatchObject({ ok: false, error: { code: 'sip-error', sipStatus: 503 } });
    expect((long as { error: { message: string } }).error.message.length).toBeLessThanOrEqual(500);
  });

  it('hides what a throwing handler threw and reports it to the server only', async () => {
    const reported: unknown[] = [];
    const handlers = answering(undefined);
    (handlers as unknown as Record<string, () => never>)['tiles.importXml'] = () => {
      throw new RangeError('Maximum call stack size exceeded');
    };
    const result = await dispatchCommand(handlers, 'tiles.importXml', { xml: '<a/>' }, (_c, e) => reported.push(e));
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'Internal error while running tiles.importXml' } });
    expect(reported).toHaveLength(1);
  });
});
