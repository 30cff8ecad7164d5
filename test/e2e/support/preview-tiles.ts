/**
 * Busy lamp field preview data: ~60 extensions in three groups (two configured departments and one resource list)
 * covering every tile state, and a generator for a 1,000-tile panel. The resource list watches through line 3, which
 * is down, so all its lamps are stale; a few front-office lamps are stale while their subscription is renewed. Times
 * are offsets before page load so the "since" durations are live. Numbers and domains are examples only.
 */
import type { TileConfig, TileListConfig, TileView } from '../../../shared/tiles';

export type PreviewTile = Omit<TileView, 'since' | 'staleSince'> & { sinceAgoMs: number; staleAgoMs?: number };

/** When line 3 went down (its list's lamps are stale since then), and when line 1 saw a sign of a PBX restart. */
const LINE3_DOWN_AGO_MS = 252_000;
const RENEWING_AGO_MS = 14_000;

const DOMAIN = 'pbx.example.com';
const uri = (n: string | number): string => `sip:${n}@${DOMAIN}`;

type Spec = [number, string, Partial<PreviewTile>?];

const FRONT: Spec[] = [
  [101, 'Anna Schmidt', { state: 'ringing', sinceAgoMs: 6_000, caller: { number: '0301234567', name: 'Bob Miller', uri: 'sip:0301234567@pbx.example.com' } }],
  [102, 'Jonas Becker', { state: 'busy', sinceAgoMs: 192_000, party: { number: '0891122334', name: 'Lisa Wagner' } }],
  [103, 'Sophie Hoffmann', { sinceAgoMs: 2_460_000, presence: { state: 'away', note: 'Lunch' }, messagesWaiting: true }],
  [104, 'Lukas Fischer', { state: 'hold', sinceAgoMs: 48_000, party: { number: '205', name: 'Paul Zimmermann' } }],
  [105, 'Marie Weber', { staleAgoMs: RENEWING_AGO_MS }],
  [106, 'Felix Schulz', { state: 'dnd', sinceAgoMs: 1_800_000, presence: { state: 'dnd', note: 'In a meeting with the auditors until 3 pm — urgent calls to 110' } }],
  [107, 'Emma Wagner', { state: 'offline', sinceAgoMs: 7_200_000 }],
  [108, 'Leon Meyer', {}],
  [109, 'Hannah Koch', { state: 'busy', sinceAgoMs: 611_000, party: { number: '0402233445' }, staleAgoMs: RENEWING_AGO_MS }],
  [110, 'Paul Richter', {}],
  [111, 'Mia Klein', { sinceAgoMs: 10_800_000, presence: { state: 'available', note: 'Working from home' } }],
  [112, 'Ben Wolf', { state: 'unknown', unknownReason: 'rejected', detail: '403 Forbidden' }],
  [113, 'Lena Schröder', {}],
  [114, 'Elias Neumann', { state: 'offline', sinceAgoMs: 86_400_000, presence: { basic: 'closed', note: 'On holiday until Monday' } }],
  [115, 'Clara Schwarz', {}],
  [116, 'Noah Zimmermann', { state: 'busy', sinceAgoMs: 35_000, party: { number: '118', name: 'Ida Braun' } }],
  [117, 'Ida Braun', { state: 'busy', sinceAgoMs: 35_000, party: { number: '116', name: 'Noah Zimmermann' } }],
  [118, 'Luis Krüger', {}],
  [119, 'Lea Hofmann', { state: 'unknown', unknownReason: 'not-subscribed' }],
  [120, 'Finn Hartmann', {}],
];

const SALES: Spec[] = [
  [201, 'Laura Lange', { state: 'busy', sinceAgoMs: 1_452_000, party: { number: '004420794600', name: 'Contoso Ltd' } }],
  [202, 'Jan Schmitt', {}],
  [203, 'Amelie Werner', { state: 'ringing', sinceAgoMs: 3_000, caller: { number: '017612345678' } }],
  [204, 'Tim Krause', {}],
  [205, 'Paul Zimmermann', { state: 'hold', sinceAgoMs: 48_000, party: { number: '104', name: 'Lukas Fischer' } }],
  [206, 'Johanna Meier', { sinceAgoMs: 1_500_000, presence: { state: 'away', note: 'Lunch' } }],
  [207, 'Moritz Lehmann', {}],
  [208, 'Charlotte Köhler', { state: 'dnd', sinceAgoMs: 900_000, presence: { state: 'dnd', note: 'Quarterly forecast — do not disturb' } }],
  [209, 'David Herrmann', {}],
  [210, 'Nele König', { state: 'busy', sinceAgoMs: 74_000, party: { number: '0711987654', name: 'Fabrikam GmbH' } }],
  [211, 'Jakob Walter', {}],
  [212, 'Sarah Mayer', { messagesWaiting: true }],
  [213, 'Tom Huber', { state: 'offline', sinceAgoMs: 3_600_000 }],
  [214, 'Julia Kaiser', {}],
  [215, 'Max Fuchs', { state: 'busy', sinceAgoMs: 262_000, party: { number: '0695554433' } }],
  [216, 'Anna-Lena Peters-Großmann', { sinceAgoMs: 93_600_000, presence: { state: 'available', note: 'Customer visit in Munich, back on Thursday' } }],
  [217, 'Erik Lang', {}],
  [218, 'Greta Scholz', {}],
  [219, 'Henry Möller', { state: 'unknown', unknownReason: 'error', detail: '408 Request Timeout' }],
  [220, 'Ella Weiß', {}],
];

const WAREHOUSE: Spec[] = [
  [301, 'Dock 1', {}],
  [302, 'Dock 2', { state: 'busy', sinceAgoMs: 128_000, party: { number: '0421778899', name: 'Carrier Nord' } }],
  [303, 'Dock 3', {}],
  [304, 'Forklift desk', { state: 'ringing', sinceAgoMs: 11_000, caller: { number: '101', name: 'Anna Schmidt' } }],
  [305, 'Goods in', {}],
  [306, 'Goods out', { state: 'offline', sinceAgoMs: 5_400_000 }],
  [307, 'Returns', {}],
  [308, 'Shift lead', { state: 'hold', sinceAgoMs: 22_000, party: { number: '0800123123' } }],
  [309, 'Cold store', {}],
  [310, 'Gate', { presence: { state: 'away', note: 'Lunch' } }],
  [311, 'Yard office', {}],
  [312, 'Packing', { state: 'busy', sinceAgoMs: 19_000, party: { number: '212', name: 'Sarah Mayer' } }],
  [313, 'Quality', {}],
  [314, 'Inventory', { state: 'dnd', sinceAgoMs: 2_400_000, presence: { state: 'dnd', note: 'Stocktaking' } }],
  [315, 'Maintenance', {}],
  [316, 'Security', {}],
  [317, 'Canteen', { state: 'offline', sinceAgoMs: 20_000_000, presence: { basic: 'closed', note: 'Closed after 2 pm' } }],
  [318, 'Dispatch', {}],
  [319, 'Night desk', {}],
  [320, 'Loading bay', {}],
];

export const WAREHOUSE_LIST: TileListConfig = { id: 'warehouse', name: 'Warehouse', uri: `sip:warehouse-list@${DOMAIN}`, event: 'dialog', line: 3 };

function view(spec: Spec, group: string | undefined, listId?: string): PreviewTile {
  const [n, name, extra = {}] = spec;
  const tile: PreviewTile = {
    id: listId ? `${listId}/${uri(n)}` : `k${n}`,
    name,
    uri: uri(n),
    line: 1,
    state: 'idle',
    sinceAgoMs: 0,
    dialogs: [],
    action: { kind: 'call', uri: uri(n) },
    ...extra,
  };
  if (group) tile.group = group;
  if (listId) tile.listId = listId;
  return tile;
}

function config(spec: Spec, group: string): TileConfig {
  const [n, name] = spec;
  return { id: `k${n}`, name, uri: String(n), watch: ['dialog', 'presence'], action: { kind: 'call', uri: String(n) }, group };
}

/** The 60-tile panel: front office and sales as configured keys, the warehouse as a resource list. */
export function previewPanel(): { tiles: PreviewTile[]; configs: TileConfig[]; lists: TileListConfig[] } {
  const tiles = [
    ...FRONT.map((spec) => view(spec, 'Front office')),
    ...SALES.map((spec) => view(spec, 'Sales')),
    ...WAREHOUSE.map((spec) => ({ ...view(spec, undefined, WAREHOUSE_LIST.id), line: 3, staleAgoMs: LINE3_DOWN_AGO_MS })),
  ];
  const configs = [...FRONT.map((spec) => config(spec, 'Front office')), ...SALES.map((spec) => config(spec, 'Sales'))];
  return { tiles, configs, lists: [WAREHOUSE_LIST] };
}

const FIRST = ['Anna', 'Ben', 'Clara', 'David', 'Emma', 'Felix', 'Greta', 'Hannah', 'Jonas', 'Lena', 'Max', 'Nele', 'Oskar', 'Paula', 'Tim', 'Zoe'];
const LAST = ['Schmidt', 'Becker', 'Hoffmann', 'Fischer', 'Weber', 'Schulz', 'Wagner', 'Meyer', 'Koch', 'Richter', 'Klein', 'Wolf', 'Krüger', 'Braun', 'Lange', 'Werner', 'Krause', 'König'];
const DEPARTMENTS = ['Front office', 'Sales', 'Support', 'Finance', 'Engineering', 'Warehouse', 'Management', 'HR'];
const STATES: TileView['state'][] = ['idle', 'idle', 'idle', 'idle', 'idle', 'busy', 'busy', 'idle', 'offline', 'idle', 'ringing', 'hold', 'dnd', 'idle', 'busy', 'idle'];

/** `count` tiles in eight departments with a deterministic mix of states (for the 1,000-tile preview and bench). */
export function generatedPanel(count: number): PreviewTile[] {
  const out: PreviewTile[] = [];
  for (let i = 0; i < count; i++) {
    const n = 1000 + i;
    const state = STATES[(i * 7) % STATES.length] ?? 'idle';
    const name = `${FIRST[i % FIRST.length]} ${LAST[(i * 5) % LAST.length]}`;
    const extra: Partial<PreviewTile> = { state, sinceAgoMs: ((i * 7919) % 900) * 1000 };
    if (state === 'ringing') extra.caller = { number: String(2000 + ((i * 13) % 900)) };
    if (state === 'busy' || state === 'hold') extra.party = { number: String(3000 + ((i * 17) % 900)) };
    if (state === 'dnd') extra.presence = { state: 'dnd', note: 'Do not disturb' };
    if (i % 23 === 0 && state === 'idle') extra.presence = { state: 'away', note: 'Lunch' };
    // A sprinkle of lamps whose subscription is being renewed, so the big grid shows the stale mark too.
    if (i % 29 === 3) extra.staleAgoMs = RENEWING_AGO_MS;
    const department = DEPARTMENTS[Math.floor((i * DEPARTMENTS.length) / count)] ?? 'Other';
    out.push(view([n, name, extra], department));
  }
  return out;
}

/** What the preview's fake `tiles.importXml` answers: keys as seed 000's importer would produce them. */
export const PREVIEW_IMPORT: TileConfig[] = [
  { id: 'imp-77', name: '77', uri: '77', watch: ['dialog'], action: { kind: 'call', uri: '77' } },
  { id: 'imp-42', name: '42', uri: '42', line: 1, watch: ['dialog'], action: { kind: 'call', uri: '42' } },
  { id: 'imp-43', name: '43', uri: '43', line: 2, watch: ['dialog'], action: { kind: 'call', uri: '43' } },
];
