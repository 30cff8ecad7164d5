import { describe, expect, it } from 'vitest';
import type { TileView } from '../../../shared/tiles';
import { callCommandHandlers } from './call-commands';
import { FEATURE_TRANSFER_TIMEOUT_MS, TRANSFER_NOTICE_MS } from './call-service';
import { callServiceRig, flush } from './testing/call-service-rig';
import { FakeHistory } from './testing/fake-calls';
import type { FakeSession } from './testing/fake-call-agent';

const BUSY = { ok: false as const, reason: '486 Busy Here', sipStatus: 486, referRefused: false };
const REFUSED = { ok: false as const, reason: 'REFER refused: 405 Method Not Allowed', sipStatus: 405, referRefused: true };

function tile(id: string, ext: string, dialogs: TileView['dialogs']): TileView {
  return { id, name: `Anna ${ext}`, uri: `sip:${ext}@pbx.test`, line: 1, state: dialogs.length ? 'ringing' : 'idle', since: 0, dialogs, action: { kind: 'call', uri: ext } };
}

describe('blind transfer', () => {
  it('holds the caller, follows the NOTIFY progress and ends the call when it worked', async () => {
    const r = callServiceRig();
    const call = await r.answeredCall();
    const started = await r.service.transfer(call.id, '102', 'blind');
    expect(started.ok && started.value.transfer).toEqual({ mode: 'blind', target: '102', state: 'trying' });
    expect(call.holds).toBe(1);
    expect(call.refers.map((x) => [x.target, x.replaces])).toEqual([['sip:102@pbx.test', undefined]]);
    call.progress('ringing', 180);
    await flush();
    expect(r.view(call.id)?.transfer).toMatchObject({ state: 'ringing', sipStatus: 180 });
    expect(r.view(call.id)?.state).toBe('held');
    call.finishRefer({ ok: true });
    await flush();
    expect(r.view(call.id)).toMatchObject({ state: 'ended', end: { cause: 'local-hangup', reason: 'transferred to 102' }, transfer: { state: 'succeeded' } });
  });

  it('keeps the call when the target is busy, shows why for a while, then clears the notice', async () => {
    const r = callServiceRig();
    const call = await r.answeredCall();
    await r.service.transfer(call.id, '102', 'blind');
    call.finishRefer(BUSY);
    await flush();
    expect(r.view(call.id)).toMatchObject({ state: 'connected', transfer: { state: 'failed', reason: '486 Busy Here', sipStatus: 486, target: '102' } });
    expect(call.hangups).toBe(0);
    r.clock.advance(TRANSFER_NOTICE_MS);
    await flush();
    expect(r.view(call.id)?.transfer).toBeUndefined();
    expect(r.view(call.id)?.state).toBe('connected');
  });

  it('puts a caller who comes back on hold when the receptionist is talking to someone else by then', async () => {
    const r = callServiceRig();
    const first = await r.answeredCall('111');
    await r.service.transfer(first.id, '102', 'blind');
    const second = await r.answeredCall('222');
    first.finishRefer(BUSY);
    await flush();
    expect(r.view(first.id)).toMatchObject({ state: 'held', transfer: { state: 'failed' } });
    expect(r.view(second.id)?.state).toBe('connected');
  });

  it('falls back to the line transfer code by DTMF when the PBX refuses REFER', async () => {
    const r = callServiceRig({ transferCode: '##' });
    const call = await r.answeredCall();
    await r.service.transfer(call.id, 'sip:102@pbx.test', 'blind');
    call.finishRefer(REFUSED);
    await flush();
    expect(call.dtmfSent).toEqual(['##102#']);
    expect(r.view(call.id)?.transfer).toEqual({ mode: 'blind', target: 'sip:102@pbx.test', state: 'trying', viaFeatureCode: true });
    call.remoteEnd();
    await flush();
    expect(r.view(call.id)).toMatchObject({ state: 'ended', transfer: { state: 'succeeded', viaFeatureCode: true }, end: { reason: 'transferred to sip:102@pbx.test' } });
    expect(r.view(call.id)?.transfer).toEqual({ mode: 'blind', target: 'sip:102@pbx.test', state: 'succeeded', viaFeatureCode: true });
  });

  it('says the feature-code transfer failed when the PBX keeps the call', async () => {
    const r = callServiceRig({ transferCode: '##' });
    const call = await r.answeredCall();
    await r.service.transfer(call.id, '102', 'blind');
    call.finishRefer(REFUSED);
    await flush();
    r.clock.advance(FEATURE_TRANSFER_TIMEOUT_MS);
    await flush();
    expect(r.view(call.id)).toMatchObject({ state: 'connected', transfer: { state: 'failed', viaFeatureCode: true, reason: 'the PBX did not transfer the call after the transfer code' } });
  });

  it('shows the refusal when the line has no transfer code', async () => {
    const r = callServiceRig();
    const call = await r.answeredCall();
    await r.service.transfer(call.id, '102', 'blind');
    call.finishRefer(REFUSED);
    await flush();
    expect(call.dtmfSent).toEqual([]);
    expect(r.view(call.id)?.transfer).toMatchObject({ state: 'failed', reason: REFUSED.reason, sipStatus: 405 });
  });

  it('deflects a ringing incoming call with 302 to the target', async () => {
    const r = callServiceRig();
    const call = r.agent.incoming('0301234567');
    const result = await r.service.transfer(call.id, '102', 'blind');
    expect(call.redirectedTo).toBe('sip:102@pbx.test');
    expect(result.ok && result.value).toMatchObject({ state: 'ended', end: { reason: 'transferred to 102' }, transfer: { state: 'succeeded' } });
  });

  it('refuses a second transfer, an unknown call and a bad target with the field named', async () => {
    const r = callServiceRig();
    const call = await r.answeredCall();
    expect(await r.service.transfer(call.id, 'not a number!', 'blind')).toMatchObject({ ok: false, error: { code: 'invalid-argument', field: 'target' } });
    await r.service.transfer(call.id, '102', 'blind');
    expect(await r.service.transfer(call.id, '103', 'blind')).toMatchObject({ ok: false, error: { field: 'call' } });
    expect(await r.service.transfer('nope', '103', 'blind')).toMatchObject({ ok: false, error: { code: 'not-found', field: 'call' } });
    expect(call.refers).toHaveLength(1);
  });

  it('transfers to an extension voicemail by the line prefix, and names the field without one', async () => {
    const r = callServiceRig({ voicemailTransferPrefix: '*' });
    const call = await r.answeredCall();
    await r.service.transfer(call.id, '102', 'blind', true);
    expect(call.refers[0]!.target).toBe('sip:*102@pbx.test');
    call.finishRefer({ ok: true });
    await flush();
    expect(r.view(call.id)?.end?.reason).toBe('transferred to the voicemail of 102');

    const refusing = callServiceRig({ voicemailTransferPrefix: '*', transferCode: '##' });
    const refused = await refusing.answeredCall();
    await refusing.service.transfer(refused.id, '102', 'blind', true);
    refused.finishRefer(REFUSED);
    await flush();
    expect(refused.dtmfSent).toEqual(['##*102#']);

    const bare = callServiceRig();
    const other = await bare.answeredCall();
    expect(await bare.service.transfer(other.id, '102', 'blind', true)).toMatchObject({ ok: false, error: { field: 'voicemail' } });
    expect(other.refers).toHaveLength(0);
  });
});

describe('attended transfer', () => {
  async function consulting(): Promise<{ r: ReturnType<typeof callServiceRig>; caller: FakeSession; consult: FakeSession }> {
    const r = callServiceRig();
    const caller = await r.answeredCall();
    const result = await r.service.consult(caller.id, '102');
    if (!result.ok) throw new Error(result.error.message);
    await flush();
    return { r, caller, consult: r.agent.dials[0]!.session };
  }

  it('holds the caller, dials the target on the same line and links the views', async () => {
    const { r, caller, consult } = await consulting();
    expect(r.agent.dials.map((d) => [d.line, d.target])).toEqual([[1, '102']]);
    expect(r.view(caller.id)?.state).toBe('held');
    expect(r.view(consult.id)?.consultFor).toBe(caller.id);
    expect(r.view(caller.id)?.consultFor).toBeUndefined();
  });

  it('dials one consultation when asked twice at once', async () => {
    const r = callServiceRig();
    const caller = await r.answeredCall();
    const [first, second] = await Promise.all([r.service.consult(caller.id, '102'), r.service.consult(caller.id, '102')]);
    expect([first.ok, second]).toEqual([true, expect.objectContaining({ ok: false, error: expect.objectContaining({ field: 'call' }) })]);
    expect(r.agent.dials).toHaveLength(1);
  });

  it('is what transfer mode attended does', async () => {
    const r = callServiceRig();
    const caller = await r.answeredCall();
    const result = await r.service.transfer(caller.id, '102', 'attended');
    expect(result.ok && result.value.consultFor).toBe(caller.id);
  });

  it('takes the caller back when the consultation is hung up', async () => {
    const { r, caller, consult } = await consulting();
    consult.connect();
    r.service.hangup(consult.id);
    await flush();
    expect(caller.resumes).toBe(1);
    expect(r.view(caller.id)?.state).toBe('connected');
  });

  it('takes the caller back when the target is busy', async () => {
    const { r, caller, consult } = await consulting();
    consult.remoteEnd({ cause: 'busy', sipStatus: 486 });
    await flush();
    expect(caller.resumes).toBe(1);
    expect(r.view(caller.id)?.state).toBe('connected');
  });

  it('leaves the caller on hold when the consultation ends while the receptionist talks to someone else', async () => {
    const { r, caller, consult } = await consulting();
    consult.connect();
    const next = await r.answeredCall('333');
    consult.remoteEnd();
    await flush();
    expect(caller.resumes).toBe(0);
    expect([r.view(caller.id)?.state, r.view(next.id)?.state]).toEqual(['held', 'connected']);
  });

  it('completes with REFER carrying the consultation dialog ids, then ends the consultation', async () => {
    const { r, caller, consult } = await consulting();
    consult.connect();
    const result = await r.service.completeTransfer(consult.id);
    expect(result.ok && result.value.transfer).toEqual({ mode: 'attended', target: '102', state: 'trying' });
    expect(caller.refers).toEqual([{ target: consult.remoteTarget, replaces: consult.dialogIds, resolve: expect.any(Function) }]);
    caller.finishRefer({ ok: true });
    await flush();
    expect(consult.hangups).toBe(1);
    expect(caller.resumes).toBe(0);
    expect(r.view(caller.id)).toMatchObject({ state: 'ended', end: { reason: 'transferred to 102' } });
    expect(r.view(consult.id)?.end?.reason).toBe('transfer completed: the caller is with 102');
  });

  it('gives the caller back and holds the consultation when completing fails', async () => {
    const { r, caller, consult } = await consulting();
    consult.connect();
    await r.service.completeTransfer(consult.id);
    caller.finishRefer({ ok: false, reason: '481 Call Does Not Exist', sipStatus: 481, referRefused: false });
    await flush();
    expect(r.view(caller.id)).toMatchObject({ state: 'connected', transfer: { state: 'failed', reason: '481 Call Does Not Exist' } });
    expect(r.view(consult.id)).toMatchObject({ state: 'held', consultFor: caller.id });
    expect(consult.hangups).toBe(0);
  });

  it('while the target still rings, cancels the consultation and transfers the caller blind', async () => {
    const { r, caller, consult } = await consulting();
    consult.ring();
    const result = await r.service.completeTransfer(consult.id);
    expect(result.ok && result.value.transfer).toMatchObject({ mode: 'blind', target: '102', state: 'trying' });
    expect(consult.state).toBe('ended');
    expect(caller.refers.map((x) => [x.target, x.replaces])).toEqual([['sip:102@pbx.test', undefined]]);
    await flush();
    expect(caller.resumes).toBe(0);
    expect(r.view(caller.id)?.state).toBe('held');
  });

  it('refuses to complete a call that is no consultation, or one whose caller hung up', async () => {
    const { r, caller, consult } = await consulting();
    expect(await r.service.completeTransfer(caller.id)).toMatchObject({ ok: false, error: { field: 'consult' } });
    caller.remoteEnd();
    consult.connect();
    await flush();
    expect(await r.service.completeTransfer(consult.id)).toMatchObject({ ok: false, error: { field: 'consult' } });
    expect(caller.refers).toHaveLength(0);
  });
});

describe('pickup', () => {
  const ringing = { id: 'd1', state: 'early' as const, direction: 'recipient' as const, held: false };

  it('sends INVITE with Replaces early-only to the remote target when dialog-info names the dialog', async () => {
    const r = callServiceRig();
    r.tiles.set('anna', tile('anna', '201', [{ ...ringing, callId: 'abc@10.0.0.9', localTag: 'callee', remoteTag: 'caller', remoteTarget: 'sip:0301234567@10.0.0.9:5060' }]));
    const result = await r.service.pickup('anna');
    expect(r.agent.dials.map((d) => [d.target, d.options])).toEqual([
      ['sip:201@pbx.test', { replaces: { callId: 'abc@10.0.0.9', toTag: 'caller', fromTag: 'callee', earlyOnly: true }, requestUri: 'sip:0301234567@10.0.0.9:5060' }],
    ]);
    expect(result.ok && result.value.id).toBe(r.agent.dials[0]!.session.id);
  });

  it('shows the caller it picked up, not the extension that rang', async () => {
    const r = callServiceRig();
    r.tiles.set('anna', { ...tile('anna', '201', [{ ...ringing, callId: 'abc', localTag: 'callee', remoteTag: 'caller', remoteTarget: 'sip:101@10.0.0.9' }]), caller: { number: '101', name: 'Bob Builder', uri: 'sip:101@pbx.test' } });
    const result = await r.service.pickup('anna');
    expect(result.ok && result.value.far).toEqual({ number: '101', name: 'Bob Builder', uri: 'sip:101@pbx.test' });
  });

  it('dials the pickup prefix and extension without dialog ids (default **, or the line prefix)', async () => {
    const r = callServiceRig();
    r.tiles.set('anna', tile('anna', '201', [ringing]));
    await r.service.pickup('anna');
    const code = callServiceRig({ pickupPrefix: '*8' });
    code.tiles.set('anna', tile('anna', '201', [{ ...ringing, state: 'proceeding', callId: 'abc', localTag: 'x' }]));
    await code.service.pickup('anna');
    expect([r.agent.dials[0]?.target, code.agent.dials[0]?.target]).toEqual(['**201', '*8201']);
    expect(r.agent.dials[0]?.options).toBeUndefined();
  });

  it('refuses a tile with nothing ringing (idle, its own outgoing call, held) and an unknown tile', async () => {
    const r = callServiceRig();
    r.tiles.set('idle', tile('idle', '201', []));
    r.tiles.set('out', tile('out', '202', [{ ...ringing, direction: 'initiator' }]));
    r.tiles.set('held', tile('held', '203', [{ ...ringing, state: 'confirmed', held: true }]));
    for (const id of ['idle', 'out', 'held']) expect(await r.service.pickup(id)).toMatchObject({ ok: false, error: { code: 'invalid-argument', field: 'tile' } });
    expect(await r.service.pickup('nope')).toMatchObject({ ok: false, error: { code: 'not-found', field: 'tile' } });
    expect(r.agent.dials).toHaveLength(0);
  });

  it('holds the call in progress first', async () => {
    const r = callServiceRig();
    const call = await r.answeredCall();
    r.tiles.set('anna', tile('anna', '201', [ringing]));
    await r.service.pickup('anna');
    expect(call.localHold).toBe(true);
  });
});

describe('park', () => {
  it('transfers to the slot given, and the end reads parked', async () => {
    const r = callServiceRig({ parkCode: '700' });
    const call = await r.answeredCall();
    await r.service.park(call.id, '701');
    expect(call.refers[0]!.target).toBe('sip:701@pbx.test');
    call.finishRefer({ ok: true });
    await flush();
    expect(r.view(call.id)?.end?.reason).toBe('parked at 701');
  });

  it('uses the line park code without a slot, and names the slot field when there is neither', async () => {
    const r = callServiceRig({ parkCode: '700' });
    const call = await r.answeredCall();
    await r.service.park(call.id);
    expect(call.refers[0]!.target).toBe('sip:700@pbx.test');

    const bare = callServiceRig();
    const other = await bare.answeredCall();
    expect(await bare.service.park(other.id)).toMatchObject({ ok: false, error: { code: 'invalid-argument', field: 'slot' } });
  });
});

describe('command handlers', () => {
  it('route the five transfer commands to the call service', async () => {
    const r = callServiceRig({ parkCode: '700' });
    const handlers = callCommandHandlers(r.service, new FakeHistory());
    const a = await r.answeredCall('111');
    expect(await handlers['calls.park']({ call: a.id })).toMatchObject({ ok: true });
    const b = await r.answeredCall('222');
    expect(await handlers['calls.transfer']({ call: b.id, target: '102', mode: 'attended' })).toMatchObject({ ok: true, value: { consultFor: b.id } });
    const consult = r.agent.dials[0]!.session;
    consult.ring();
    expect(await handlers['calls.completeTransfer']({ consult: consult.id })).toMatchObject({ ok: true, value: { id: b.id } });
    expect(await handlers['calls.consult']({ call: 'gone', target: '1' })).toMatchObject({ ok: false, error: { field: 'call' } });
    expect(await handlers['calls.pickup']({ tile: 'none' })).toMatchObject({ ok: false, error: { field: 'tile' } });
    expect([a.refers[0]?.target, b.refers[0]?.target]).toEqual(['sip:700@pbx.test', 'sip:102@pbx.test']);
  });
});
