import { describe, expect, it } from 'vitest';
import { parseDialogInfo } from '../../event-bodies/dialog-info';
import { parseReplaces } from './call-headers';
import { formatReplaces, isValidReplaces, referToUri, replacesForTransfer, replacesFromDialogInfo } from './replaces';

/** dialog-info for the callee's presentity as Kamailio's pua_dialoginfo writes it once the call rings (early). */
const RINGING = `<?xml version="1.0"?>
<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="3" state="full" entity="sip:102@test.local">
  <dialog id="a84b4c76e66710" call-id="a84b4c76e66710@10.0.0.1" local-tag="callee-tag" remote-tag="caller-tag" direction="recipient">
    <state>early</state>
    <local><identity>sip:102@test.local</identity><target uri="sip:102@10.0.0.2:5060"/></local>
    <remote><identity>sip:101@test.local</identity><target uri="sip:101@10.0.0.1:5060;transport=udp"/></remote>
  </dialog>
</dialog-info>`;

describe('replacesFromDialogInfo (RFC 3891 §3, RFC 4235 §4.1)', () => {
  it('names the early dialog from the initiator’s (the caller’s) point of view, early-only', () => {
    const parsed = parseDialogInfo(RINGING);
    if (!parsed.ok) throw new Error(parsed.reason);
    const dialog = parsed.value.dialogs[0]!;
    expect(dialog.remoteTarget).toBe('sip:101@10.0.0.1:5060;transport=udp');
    // The caller compares to-tag with its own (From) tag: dialog-info's remote-tag for a ringing extension.
    expect(replacesFromDialogInfo(dialog)).toEqual({ callId: 'a84b4c76e66710@10.0.0.1', toTag: 'caller-tag', fromTag: 'callee-tag', earlyOnly: true });
  });

  it('reads a dialog without direction as the recipient, and turns the tags round for an initiator', () => {
    const ids = { callId: 'c@h', localTag: 'mine', remoteTag: 'theirs' };
    expect(replacesFromDialogInfo(ids)).toMatchObject({ toTag: 'theirs', fromTag: 'mine' });
    expect(replacesFromDialogInfo({ ...ids, direction: 'recipient' })).toMatchObject({ toTag: 'theirs', fromTag: 'mine' });
    expect(replacesFromDialogInfo({ ...ids, direction: 'initiator' })).toMatchObject({ toTag: 'mine', fromTag: 'theirs' });
  });

  it.each([
    [{}],
    [{ localTag: 'a', remoteTag: 'b' }],
    [{ callId: 'c', remoteTag: 'b' }],
    [{ callId: 'c', localTag: 'a' }],
    [{ callId: '', localTag: 'a', remoteTag: 'b' }],
    [{ callId: 'c;x=y', localTag: 'a', remoteTag: 'b' }],
    [{ callId: 'c', localTag: 'a\r\nVia: x', remoteTag: 'b' }],
    [{ callId: 'c', localTag: 'a', remoteTag: 'b c' }],
    [{ callId: 'c', localTag: 'a', remoteTag: 'x'.repeat(300) }],
  ])('is undefined for %j (no ids, or none a header can carry)', (dialog) => {
    expect(replacesFromDialogInfo(dialog)).toBeUndefined();
  });
});

describe('Replaces formatting (RFC 3891 §6.1)', () => {
  it('writes the header value and reads back with the parser of incoming INVITEs', () => {
    const value = formatReplaces({ callId: '98732@sip.example.com', toTag: 'r33th4x0r', fromTag: 'ff87ff', earlyOnly: true });
    expect(value).toBe('98732@sip.example.com;to-tag=r33th4x0r;from-tag=ff87ff;early-only');
    expect(parseReplaces(value)).toEqual({ callId: '98732@sip.example.com', toTag: 'r33th4x0r', fromTag: 'ff87ff', earlyOnly: true });
    expect(formatReplaces({ callId: 'x', toTag: 'a', fromTag: 'b' })).toBe('x;to-tag=a;from-tag=b');
  });

  it('names a consultation dialog for its far end: to-tag is our remote tag (RFC 5589 §7.3)', () => {
    expect(replacesForTransfer({ callId: 'k@h', localTag: 'ours', remoteTag: 'target' })).toEqual({ callId: 'k@h', toTag: 'target', fromTag: 'ours' });
  });

  it('escapes Replaces as a URI header of Refer-To, as in RFC 3891 §6.1', () => {
    const replaces = { callId: '12345@192.168.118.3', toTag: '12345', fromTag: '5FFE-3994' };
    expect(referToUri('sips:bob@biloxi.example.com', replaces)).toBe(
      'sips:bob@biloxi.example.com?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994',
    );
    expect(referToUri('sip:bob@h;transport=tcp?X=1', replaces)).toMatch(/^sip:bob@h;transport=tcp\?X=1&Replaces=12345%40/);
    expect(referToUri('sip:bob@h')).toBe('sip:bob@h');
  });

  it('accepts RFC 3261 words and tokens only', () => {
    expect(isValidReplaces({ callId: 'a-b.c!%*_+`\'~()<>:"/[]?{}@h', toTag: 'a-b.c!%*_+`\'~', fromTag: '1' })).toBe(true);
    expect(isValidReplaces({ callId: 'a@b@c', toTag: 't', fromTag: 'f' })).toBe(false);
    expect(isValidReplaces({ callId: 'a', toTag: 't;x', fromTag: 'f' })).toBe(false);
    expect(isValidReplaces({ callId: 'a', toTag: 't', fromTag: '' })).toBe(false);
  });
});
