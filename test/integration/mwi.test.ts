/**
 * Voicemail indication (issue 12 §6) against a real Kamailio 5.6 with presence_mwi: the console subscribes to its
 * line's own mailbox (RFC 3842 `message-summary`), a voicemail server PUBLISHes the summary for that address of
 * record (RFC 3903), and the line's state shows the waiting count — and 0 after the mailbox was listened to.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleService } from '../../electron/core/console-service';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';
import { startKamailio, type KamailioHandle } from '../support/kamailio';
import { publishOnce } from '../support/raw-publisher';
import { startTestConsole } from '../support/test-console';
import { waitFor } from '../support/wait';

let kam: KamailioHandle;
let service: ConsoleService;
const dataDir = mkdtempSync(join(tmpdir(), 'ac-mwi-'));
const line = () => service.snapshot().lines[0]!;

/** The message-summary NOTIFYs the console received, oldest first, as the trace keeps them (whole messages). */
async function summaryNotifies(): Promise<string[]> {
  const page = await service.handlers['trace.list']({ method: 'NOTIFY', direction: 'in', text: 'message-summary' });
  return page.ok ? page.value.entries.map((entry) => entry.text) : [];
}

beforeAll(async () => {
  kam = await startKamailio({ users: ['100'].map((user) => ({ user, password: `pw${user}` })) });
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    sip: { ...DEFAULT_SETTINGS.sip, t1Ms: 100, t2Ms: 800, t4Ms: 1000, retryBaseSeconds: 1, retryMaxSeconds: 2 },
    lines: [{ id: 'l1', enabled: true, displayName: 'Reception', user: '100', password: 'pw100', domain: kam.domain, registrar: `127.0.0.1:${kam.udpPort}`, transport: 'udp', expires: 600 }],
  };
  service = await startTestConsole(dataDir, settings);
});

afterAll(async () => {
  await service?.shutdown();
  await kam?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the line’s own mailbox through Kamailio presence_mwi', () => {
  it('shows "Messages-Waiting: yes, 2 new" on the line after a PUBLISH, then 0 after the next', async () => {
    const aor = `sip:100@${kam.domain}`;
    // RFC 6665 §4.2.1.2: the accepted SUBSCRIBE is followed by a NOTIFY at once (no summary published yet).
    await waitFor('the first message-summary NOTIFY', async () => (await summaryNotifies()).length > 0, 15_000);
    expect(line().voicemail?.state).toBe('watching');
    const first = await publishOnce({
      serverPort: kam.udpPort,
      uri: aor,
      event: 'message-summary',
      contentType: 'application/simple-message-summary',
      body: `Messages-Waiting: yes\r\nMessage-Account: sip:*97@${kam.domain}\r\nVoice-Message: 2/1 (1/0)\r\n`,
    });
    expect(first.status).toBe(200);
    await waitFor('2 new on line 1', () => line().voicemail?.waiting === true && line().voicemail?.newMessages === 2, 15_000);
    expect((await summaryNotifies()).at(-1)).toMatch(/Messages-Waiting: yes[\s\S]*Voice-Message: 2\/1/);
    expect(line().voicemail).toMatchObject({ state: 'watching', waiting: true, newMessages: 2, oldMessages: 1, urgentNew: 1, account: `sip:*97@${kam.domain}`, dial: `sip:*97@${kam.domain}` });

    // The mailbox was listened to: the voicemail server modifies its publication (RFC 3903 §4.4).
    const second = await publishOnce({
      serverPort: kam.udpPort,
      uri: aor,
      event: 'message-summary',
      contentType: 'application/simple-message-summary',
      body: `Messages-Waiting: no\r\nMessage-Account: sip:*97@${kam.domain}\r\nVoice-Message: 0/3\r\n`,
      ifMatch: first.get('SIP-ETag') ?? '',
    });
    expect(second.status).toBe(200);
    await waitFor('0 new on line 1', () => line().voicemail?.waiting === false, 15_000);
    expect(line().voicemail).toMatchObject({ waiting: false, newMessages: 0, oldMessages: 3 });
  });
});
