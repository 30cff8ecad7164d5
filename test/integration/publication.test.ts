/**
 * Own presence against a real Kamailio 5.6 (issue 4 §1): the PUBLISH cycle of RFC 3903 seen from the server
 * (`presence.presentity_list`) and on the wire, a watcher of our presentity receiving every state with its note, and
 * recovery by publishing afresh after Kamailio restarts and forgets the presentity (`publ_cache 2` keeps it in
 * memory only), so the next refresh gets 412.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LineManager } from '../../electron/core/lines/line-manager';
import { TraceLog } from '../../electron/core/trace-log';
import { SystemClock } from '../../electron/sip/clock';
import { parsePresenceBody } from '../../electron/sip/event-bodies/pidf';
import { buildOwnPidf, publishedPresenceInfo, type OwnPresence } from '../../electron/sip/event-bodies/pidf-build';
import { parseMessage, type SipMessage } from '../../electron/sip/message';
import type { LineContext } from '../../electron/sip/usage/line-context';
import { Publication, type PublicationStatus } from '../../electron/sip/usage/publication/publication';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import type { PresenceState } from '../../shared/tiles';
import { startKamailio, type KamailioHandle } from '../support/kamailio';
import { startRawWatcher, type RawWatcher, type WatcherNotify } from '../support/raw-watcher';
import { waitFor } from '../support/wait';

/** Asked-for lifetime: refreshes every 5 s (refreshDelaySeconds), so the test sees several within its window. */
const EXPIRES = 10;
const clock = new SystemClock();
const dataDir = mkdtempSync(join(tmpdir(), 'ac-pub-'));
let kam: KamailioHandle;
let manager: LineManager;
let trace: TraceLog;
let line: LineContext;
let watcher: RawWatcher;
const publications: Publication[] = [];

beforeAll(async () => {
  kam = await startKamailio({
    users: [
      { user: '100', password: 'pw100' },
      { user: '101', password: 'pw101' },
    ],
    minExpires: 5,
    maxExpires: 60,
  });
  trace = new TraceLog({ clock, bufferSize: 5000 });
  manager = new LineManager({ clock, dataDir, trace });
  manager.apply({
    ...DEFAULT_SETTINGS,
    sip: { ...DEFAULT_SETTINGS.sip, t1Ms: 100, t2Ms: 800, t4Ms: 1000, retryBaseSeconds: 1, retryMaxSeconds: 2 },
    lines: [
      { id: 'l1', enabled: true, displayName: 'Reception', user: '100', password: 'pw100', domain: kam.domain, registrar: `127.0.0.1:${kam.udpPort}`, transport: 'udp', expires: 60 },
    ],
  });
  await waitFor('line 1 registered', () => manager.states()[0]?.status === 'registered');
  line = manager.lineContext(1)!;
  watcher = await startRawWatcher({ serverPort: kam.udpPort, user: '101', domain: kam.domain, password: 'pw101' });
});

afterEach(async () => {
  await Promise.all(publications.splice(0).map((p) => p.unpublish()));
});

afterAll(async () => {
  await watcher?.stop();
  await manager?.shutdown().catch(() => undefined);
  await kam?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function startPublication(statuses: PublicationStatus[] = []): Publication {
  const publication = new Publication(line, { event: 'presence', expires: EXPIRES }, { clock, retryBaseSeconds: 1, retryMaxSeconds: 2 }, { onStatus: (s) => statuses.push(s) });
  publications.push(publication);
  return publication;
}

function own(state: PresenceState, extra: Partial<OwnPresence> = {}): OwnPresence {
  return { entity: line.aor, state, contact: line.aor, ...extra };
}

/** PUBLISH requests we sent and the answers we got, parsed from the line's SIP trace, oldest first. */
function publishTraffic(): Array<{ direction: 'in' | 'out'; message: SipMessage }> {
  return trace.list({ method: 'PUBLISH' }).map((e) => ({ direction: e.direction, message: parseMessage(Buffer.from(e.text)) }));
}

const outgoing = (): SipMessage[] => publishTraffic().filter((t) => t.direction === 'out').map((t) => t.message);

/** Entity-tags of user 100's presentities as Kamailio lists them. */
async function serverEtags(): Promise<string[]> {
  const out = await kam.kamcmd(['presence.presentity_list']);
  return [...out.matchAll(/user: 100\s+domain: [^\n]+\s+event: presence\s+etag: (\S+)/g)].map((m) => m[1]!);
}

function presenceOf(notify: WatcherNotify): unknown {
  const parsed = parsePresenceBody(notify.body);
  return parsed.ok ? parsed.value.presence : undefined;
}

describe('own presence PUBLISH against Kamailio', () => {
  it('publishes, refreshes with SIP-If-Match and no body, modifies and removes — checked on the server', async () => {
    const publication = startPublication();
    const sentBefore = outgoing().length;
    publication.publish(buildOwnPidf(own('away', { label: 'Lunch' })));
    const first = await waitFor('published', () => (publication.status.state === 'published' ? publication.status.etag : undefined));
    expect(await serverEtags()).toEqual([first]);
    const initial = outgoing().slice(sentBefore).at(-1)!;
    expect(initial.kind === 'request' && initial.uri).toBe(line.aor);
    expect(initial.to.uri).toBe(line.aor);
    expect(initial.from.uri).toBe(line.aor);
    expect(initial.get('Event')).toBe('presence');
    expect(initial.get('Content-Type')).toBe('application/pidf+xml');
    expect(initial.has('SIP-If-Match')).toBe(false);

    // RFC 3903 §4.3: the refresh names the entity and carries no body; Kamailio answers with a new entity-tag.
    const second = await waitFor('refreshed', () => (publication.status.etag !== first ? publication.status.etag : undefined), 15_000);
    const refresh = outgoing().find((m) => m.get('SIP-If-Match') === first)!;
    expect(refresh.body.length).toBe(0);
    expect(refresh.has('Content-Type')).toBe(false);
    expect(refresh.get('Expires')).toBe(String(EXPIRES));
    expect(await serverEtags()).toEqual([second]);

    // §4.4: modification with the held entity-tag.
    publication.publish(buildOwnPidf(own('dnd', { note: 'In a meeting' })));
    const third = await waitFor('modified', () => (publication.status.state === 'published' && publication.status.etag !== second ? publication.status.etag : undefined));
    const modify = outgoing().find((m) => m.get('SIP-If-Match') === second && m.body.length > 0)!;
    expect(modify.bodyText).toContain('type="dnd"');
    expect(await serverEtags()).toEqual([third]);

    // §4.5: removal; Kamailio drops the presentity.
    await publication.unpublish();
    const remove = outgoing().at(-1)!;
    expect(remove.get('Expires')).toBe('0');
    expect(remove.get('SIP-If-Match')).toBe(third);
    expect(publication.status).toEqual({ state: 'idle' });
    expect(await serverEtags()).toEqual([]);
  }, 40_000);

  it('a watcher of our presentity receives each state with its note', async () => {
    const sub = await watcher.subscribe({ uri: line.aor, event: 'presence', expires: 300 });
    expect(sub.status).toBe(200);
    const publication = startPublication();
    const cases: OwnPresence[] = [
      own('away', { label: 'Lunch' }),
      own('available'),
      own('xa', { label: 'Holiday', note: 'Back on Monday' }),
      own('chat', { note: 'Ask me' }),
      own('dnd', { note: 'In a meeting', activities: ['meeting'] }),
      own('unavailable', { note: 'Gone home' }),
      own('away', { label: 'Lunch', note: 'Back at 2 & then "room B"' }),
    ];
    for (const presence of cases) {
      publication.publish(buildOwnPidf(presence));
      const expected = publishedPresenceInfo(presence);
      const seen = sub.notifies().length;
      await waitFor(`a NOTIFY with ${JSON.stringify(expected)}`, () =>
        sub.notifies().slice(seen).some((n) => isDeepStrictEqual(presenceOf(n), expected)),
      );
    }
    const notes = sub.notifies().map((n) => (presenceOf(n) as { note?: string } | undefined)?.note);
    expect(notes).toContain('Lunch');
    expect(notes).toContain('Back at 2 & then "room B"');
    await watcher.unsubscribe(sub);
  }, 60_000);

  it('recovers by publishing afresh when the refresh gets 412 after Kamailio restarted', async () => {
    const publication = startPublication();
    publication.publish(buildOwnPidf(own('away', { label: 'Lunch' })));
    const before = await waitFor('published', () => (publication.status.state === 'published' ? publication.status.etag : undefined));
    const sentBefore = publishTraffic().length;
    await kam.restart({ downMs: 1000 });
    expect(await serverEtags()).not.toContain(before);
    const after = await waitFor(
      'published afresh',
      async () => {
        const etag = publication.status.state === 'published' ? publication.status.etag : undefined;
        return etag !== undefined && etag !== before && (await serverEtags()).includes(etag) ? etag : undefined;
      },
      30_000,
      200,
    );
    const traffic = publishTraffic().slice(sentBefore);
    const failed = traffic.findIndex((t) => t.direction === 'in' && t.message.kind === 'response' && t.message.status === 412);
    expect(failed).toBeGreaterThanOrEqual(0);
    const conditional = traffic.slice(0, failed).filter((t) => t.direction === 'out').at(-1)!.message;
    expect(conditional.get('SIP-If-Match')).toBe(before);
    const fresh = traffic.slice(failed).find((t) => t.direction === 'out')!.message;
    expect(fresh.has('SIP-If-Match')).toBe(false);
    expect(fresh.bodyText).toContain('subtype="Lunch"');
    expect(await serverEtags()).toEqual([after]);

    // Kamailio forgot its subscriptions too: a new watcher subscription sees the state published afresh.
    const sub = await watcher.subscribe({ uri: line.aor, event: 'presence', expires: 300 });
    const notify = await watcher.waitForNotify('the state after the restart', (n) => n.callId === sub.callId && n.body !== '');
    expect(presenceOf(notify)).toEqual(publishedPresenceInfo(own('away', { label: 'Lunch' })));
    await watcher.unsubscribe(sub);
  }, 60_000);
});
