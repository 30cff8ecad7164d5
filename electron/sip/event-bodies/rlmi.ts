/**
 * Resource lists (RFC 4662 §5): the `application/rlmi+xml` list document, and its assembly with the other parts
 * of a `multipart/related` body into one {@link ResourceListDocument}.
 *
 * Rules:
 * - Root part: the part whose Content-ID is the `start` parameter (RFC 2387 §3.2), else the first part; it must be
 *   `application/rlmi+xml`. `<list>` needs `version` (non-negative integer) and `fullState`: without them the list
 *   cannot be ordered or applied, so the whole body is refused.
 * - Malformed XML in the list document refuses the body too, with one tolerance: an unquoted attribute value
 *   (seed 003's snom `state=StrUtils::kActive`) is read up to the next space and reported as a warning.
 * - A resource's state is that of its first `active` instance, else of its first instance; no instance
 *   (Kamailio before anything was published) leaves `state` undefined. A state that is not
 *   active/pending/terminated but ends in one after a C++-style `::k` prefix (`StrUtils::kActive`) is recovered
 *   with a warning; any other unknown state is a `problem` on that resource, whose body is then not used.
 * - Body: the part whose Content-ID equals the instance `cid` (exact, then case-insensitive). Parts without any
 *   Content-ID (seed 003: snom's server omits them) are matched by their document's entity equal to the resource
 *   URI, with a warning. The part is parsed through the dispatcher; a failure, a missing part or a nested list
 *   (a multipart part: not supported) becomes that resource's `problem` and a warning. Every other resource
 *   still applies.
 * - `<name xml:lang>` elements are kept in order with their language; resources without `uri` are skipped with
 *   a warning, a repeated URI keeps its first occurrence.
 */
import type { BodyResult, EventBody, ResourceListDocument, RlmiName, RlmiResource } from './types';
import { mediaEssence, type MediaType } from './media-type';
import { splitMultipart, type BodyPart } from './multipart';
import { childrenNamed, scanXml, type XmlElement } from './xml-scan';

/** Parses one body part; provided by the dispatcher (keeps this module free of an import cycle). */
export type PartParser = (contentType: string, body: string) => BodyResult<EventBody>;

type InstanceState = NonNullable<RlmiResource['state']>;
const STATES: ReadonlySet<string> = new Set(['active', 'pending', 'terminated']);

/** A list read from the RLMI document, before bodies are attached. `cids[i]` belongs to `doc.resources[i]`. */
export interface RlmiList {
  doc: ResourceListDocument;
  cids: (string | undefined)[];
}

function names(el: XmlElement): RlmiName[] {
  return childrenNamed(el, 'name').map((n) => {
    const name: RlmiName = { text: n.text.trim() };
    const lang = n.attrs['lang']?.trim();
    if (lang) name.lang = lang;
    return name;
  });
}

function instanceState(raw: string, where: string, warnings: string[]): InstanceState | undefined {
  const value = raw.trim().toLowerCase();
  if (STATES.has(value)) return value as InstanceState;
  const tail = raw
    .slice(raw.lastIndexOf(':') + 1)
    .replace(/^k(?=[A-Z])/, '')
    .toLowerCase();
  if (raw.includes('::') && STATES.has(tail)) {
    warnings.push(`rlmi: ${where}: state "${raw}" read as "${tail}"`);
    return tail as InstanceState;
  }
  return undefined;
}

function readResource(
  el: XmlElement,
  uri: string,
  warnings: string[],
): { resource: RlmiResource; cid?: string } {
  const resource: RlmiResource = { uri, names: names(el) };
  const instances = childrenNamed(el, 'instance');
  const chosen = instances.find((i) => i.attrs['state']?.trim().toLowerCase() === 'active') ?? instances[0];
  if (chosen === undefined) return { resource };
  const where = `resource ${uri}`;
  const raw = chosen.attrs['state'];
  const state = raw === undefined ? undefined : instanceState(raw, where, warnings);
  if (state === undefined) {
    resource.problem = raw === undefined ? 'instance without state' : `instance state "${raw}" unknown`;
    warnings.push(`rlmi: ${where}: ${resource.problem}`);
    return { resource };
  }
  resource.state = state;
  const reason = chosen.attrs['reason']?.trim();
  if (reason) resource.reason = reason;
  const cid = chosen.attrs['cid']?.trim();
  return cid ? { resource, cid } : { resource };
}

/** Reads an `application/rlmi+xml` document; never throws. */
export function readRlmiList(xml: string): BodyResult<RlmiList> {
  const scanned = scanXml(xml, { tolerant: true });
  if (!scanned.ok) return { ok: false, reason: `rlmi: ${scanned.reason}` };
  const warnings = scanned.warnings.map((w) => `rlmi: ${w}`);
  const list = scanned.root;
  if (list.name !== 'list')
    return { ok: false, reason: `rlmi: root element is <${list.name}>, expected <list>` };
  const rawVersion = list.attrs['version']?.trim() ?? '';
  const version = /^\d{1,15}$/.test(rawVersion) ? Number(rawVersion) : Number.NaN;
  if (Number.isNaN(version)) return { ok: false, reason: `rlmi: missing or invalid version "${rawVersion}"` };
  const rawFull = list.attrs['fullState']?.trim().toLowerCase();
  if (rawFull !== 'true' && rawFull !== 'false' && rawFull !== '1' && rawFull !== '0') {
    return { ok: false, reason: `rlmi: missing or invalid fullState "${rawFull ?? ''}"` };
  }
  const uri = list.attrs['uri']?.trim() ?? '';
  if (uri === '') warnings.push('rlmi: list without uri');
  if (childrenNamed(list, 'list').length > 0)
    warnings.push('rlmi: nested <list> ignored (non-nested lists only)');
  const doc: ResourceListDocument = {
    type: 'resource-list',
    uri,
    version,
    fullState: rawFull === 'true' || rawFull === '1',
    names: names(list),
    resources: [],
  };
  const cids: (string | undefined)[] = [];
  const seen = new Set<string>();
  for (const el of childrenNamed(list, 'resource')) {
    const resourceUri = el.attrs['uri']?.trim();
    if (!resourceUri) {
      warnings.push('rlmi: resource without uri skipped');
      continue;
    }
    if (seen.has(resourceUri)) {
      warnings.push(`rlmi: repeated resource ${resourceUri} skipped`);
      continue;
    }
    seen.add(resourceUri);
    const { resource, cid } = readResource(el, resourceUri, warnings);
    doc.resources.push(resource);
    cids.push(cid);
  }
  return { ok: true, value: { doc, cids }, warnings };
}

/** A bare `application/rlmi+xml` body: the list without bodies (there are no parts to point into). */
export function parseRlmi(xml: string): BodyResult<ResourceListDocument> {
  const list = readRlmiList(xml);
  return list.ok ? { ok: true, value: list.value.doc, warnings: list.warnings } : list;
}

/** Attaches part bodies to resources; see the module rules. */
class Assembler {
  private readonly byCid = new Map<string, BodyPart>();
  private readonly byCidLower = new Map<string, BodyPart>();
  private byEntity: Map<string, BodyResult<EventBody>> | undefined;

  constructor(
    private readonly parts: readonly BodyPart[],
    private readonly root: BodyPart,
    private readonly parsePart: PartParser,
    private readonly warnings: string[],
  ) {
    for (const part of parts) {
      if (part === root || part.contentId === undefined) continue;
      if (!this.byCid.has(part.contentId)) this.byCid.set(part.contentId, part);
      const lower = part.contentId.toLowerCase();
      if (!this.byCidLower.has(lower)) this.byCidLower.set(lower, part);
    }
  }

  /** Parses the parts that have no Content-ID, once, indexed by entity. */
  private anonymous(): Map<string, BodyResult<EventBody>> {
    if (this.byEntity === undefined) {
      this.byEntity = new Map();
      for (const part of this.parts) {
        if (part === this.root || part.contentId !== undefined) continue;
        const parsed = this.parse(part);
        if (!parsed.ok) continue;
        const entity = 'entity' in parsed.value ? parsed.value.entity : '';
        if (entity !== '' && !this.byEntity.has(entity)) this.byEntity.set(entity, parsed);
      }
    }
    return this.byEntity;
  }

  private parse(part: BodyPart): BodyResult<EventBody> {
    const essence = mediaEssence(part.contentType);
    if (essence.startsWith('multipart/') || essence === 'application/rlmi+xml') {
      return { ok: false, reason: 'nested resource list not supported' };
    }
    return this.parsePart(part.contentType, part.body);
  }

  attach(resource: RlmiResource, cid: string): void {
    const part = this.byCid.get(cid) ?? this.byCidLower.get(cid.toLowerCase());
    let parsed: BodyResult<EventBody> | undefined;
    if (part !== undefined) parsed = this.parse(part);
    else {
      parsed = this.anonymous().get(resource.uri);
      if (parsed !== undefined)
        this.warnings.push(`rlmi: resource ${resource.uri}: part matched by entity (no Content-ID ${cid})`);
    }
    if (parsed === undefined) {
      resource.problem = `no body part with Content-ID <${cid}>`;
    } else if (!parsed.ok) {
      resource.problem = parsed.reason;
    } else if (parsed.value.type === 'resource-list') {
      resource.problem = 'nested resource list not supported';
    } else if (parsed.value.type === 'watcherinfo') {
      resource.problem = 'watcherinfo is not a list member body';
    } else {
      resource.body = parsed.value;
      for (const w of parsed.warnings) this.warnings.push(`rlmi: resource ${resource.uri}: ${w}`);
      return;
    }
    this.warnings.push(`rlmi: resource ${resource.uri}: ${resource.problem}`);
  }
}

/** Parses a `multipart/related` RLMI body (RFC 4662 §5); never throws. */
export function parseResourceList(
  mediaType: MediaType,
  text: string,
  parsePart: PartParser,
): BodyResult<ResourceListDocument> {
  const boundary = mediaType.params['boundary'];
  if (boundary === undefined) return { ok: false, reason: 'multipart: no boundary parameter' };
  const type = mediaType.params['type']?.trim().toLowerCase();
  if (type !== undefined && type !== 'application/rlmi+xml') {
    return { ok: false, reason: `multipart/related of type "${type}" is not a resource list` };
  }
  const split = splitMultipart(text, boundary);
  if (!split.ok) return split;
  const warnings = [...split.warnings];
  const start = mediaType.params['start']?.trim().replace(/^<(.*)>$/, '$1');
  let root = start === undefined ? undefined : split.parts.find((p) => p.contentId === start);
  if (start !== undefined && root === undefined)
    warnings.push(`multipart: start <${start}> not found, first part used`);
  root ??= split.parts[0];
  if (root === undefined) return { ok: false, reason: 'multipart: no body parts' };
  const rootType = mediaEssence(root.contentType);
  if (rootType !== 'application/rlmi+xml')
    return { ok: false, reason: `multipart: root part is ${rootType}, not application/rlmi+xml` };
  const list = readRlmiList(root.body);
  if (!list.ok) return list;
  warnings.push(...list.warnings);
  const assembler = new Assembler(split.parts, root, parsePart, warnings);
  const { doc, cids } = list.value;
  doc.resources.forEach((resource, i) => {
    const cid = cids[i];
    if (cid !== undefined) assembler.attach(resource, cid);
  });
  return { ok: true, value: doc, warnings };
}

/** How far into a list NOTIFY body {@link peekResourceListState} looks: the RLMI root part comes first. */
const LIST_PEEK_WINDOW = 4096;
const FULL_STATE_ATTR_RE = /fullState\s*=\s*["']?(true|false|1|0)/;
const LIST_VERSION_ATTR_RE = /<list\b[^>]*?\sversion\s*=\s*["']?(\d+)/;
const utf8 = new TextDecoder();

/**
 * Reads `fullState` and `version` of the `<list>` element from the head of a resource-list NOTIFY body (the whole
 * multipart, RFC 4662 §5.2) without splitting or parsing it, for the NOTIFY queue's coalescing decisions. Fields it
 * cannot find are absent; the full parse ({@link parseResourceList}) stays authoritative. Never throws.
 */
export function peekResourceListState(body: Uint8Array): { state?: 'full' | 'partial'; version?: number } {
  const head = utf8.decode(body.subarray(0, LIST_PEEK_WINDOW));
  const full = FULL_STATE_ATTR_RE.exec(head);
  const version = LIST_VERSION_ATTR_RE.exec(head);
  const out: { state?: 'full' | 'partial'; version?: number } = {};
  if (full) out.state = full[1] === 'true' || full[1] === '1' ? 'full' : 'partial';
  if (version) out.version = Number(version[1]);
  return out;
}
