/**
 * BLF application figures: NOTIFY body → tile view apply rate (parse, version ordering, rule table, view), and a
 * 1,000-resource RLMI full state parsed and applied to its 1,000 member tiles.
 */
import { SubscriptionState } from '../electron/core/blf/notified-state';
import { computeTileView } from '../electron/core/blf/tile-view';
import { parseEventBody } from '../electron/sip/event-bodies';
import { buildRlmiBody } from './rlmi-parse';
import type { TileView } from '../shared/tiles';

const ACTIVE = { state: 'active' as const };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function dialogBody(version: number, ringing: boolean): string {
  const dialog = ringing
    ? `<dialog id="d1" call-id="c${version}" local-tag="l" remote-tag="r" direction="recipient"><state>early</state><remote><identity display="Bob">sip:102@pbx.test</identity></remote></dialog>`
    : '';
  return `<?xml version="1.0"?><dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="${version}" state="full" entity="sip:101@pbx.test">${dialog}</dialog-info>`;
}

/** Bodies applied per second through the same path a queued NOTIFY takes. */
export function benchApplyRate(iterations = 20_000): Record<string, string> {
  const entry = new SubscriptionState('dialog|sip:101@pbx.test|1', 'dialog', 'sip:101@pbx.test', 1, false, undefined);
  entry.status = ACTIVE;
  let view: TileView | undefined;
  const tile = { id: 't', name: 'Anna', uri: 'sip:101@pbx.test', line: 1, action: { kind: 'none' as const } };
  const run = (n: number, offset: number): void => {
    for (let i = 0; i < n; i++) {
      const body = new TextEncoder().encode(dialogBody(offset + i + 1, i % 2 === 0));
      const parsed = parseEventBody('application/dialog-info+xml', body);
      if (!parsed.ok) throw new Error(parsed.reason);
      entry.applyBody(parsed.value);
      view = computeTileView(tile, { dialog: entry.source() }, view, i);
    }
  };
  run(Math.min(2000, iterations), 0);
  const start = performance.now();
  run(iterations, 10_000);
  const ms = performance.now() - start;
  return { 'dialog-info body → tile view': `${Math.round(iterations / (ms / 1000)).toLocaleString('en')} bodies/s (${((ms * 1000) / iterations).toFixed(1)} µs each)` };
}

/** A 1,000-resource full-state list: parse, then apply to the member tiles (median of runs). */
export function benchRlmiApply(resources = 1000, runs = 9): Record<string, string> {
  const { contentType, body } = buildRlmiBody(resources);
  const parseTimes: number[] = [];
  const totalTimes: number[] = [];
  for (let run = 0; run < runs + 3; run++) {
    const entry = new SubscriptionState('dialog|sip:list@pbx.test|1|list', 'dialog', 'sip:list@pbx.test', 1, true, undefined);
    entry.status = ACTIVE;
    const t0 = performance.now();
    const parsed = parseEventBody(contentType, body);
    const t1 = performance.now();
    if (!parsed.ok) throw new Error(parsed.reason);
    entry.applyBody(parsed.value);
    let count = 0;
    for (const member of entry.members.values()) {
      computeTileView({ id: `l/${member.uri}`, name: member.name, uri: member.uri, line: 1, action: { kind: 'none' }, listId: 'l' }, { dialog: entry.memberSource(member) }, undefined, 0);
      count++;
    }
    const t2 = performance.now();
    if (count !== resources) throw new Error(`applied ${count} of ${resources} members`);
    if (run >= 3) {
      parseTimes.push(t1 - t0);
      totalTimes.push(t2 - t0);
    }
  }
  return {
    [`RLMI ${resources} resources: parse`]: `${median(parseTimes).toFixed(1)} ms (${(body.length / 1024).toFixed(0)} KiB body)`,
    [`RLMI ${resources} resources: parse + apply (target < 20 ms)`]: `${median(totalTimes).toFixed(1)} ms ${median(totalTimes) < 20 ? 'pass' : 'MISS'}`,
  };
}
