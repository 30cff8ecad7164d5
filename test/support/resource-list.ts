// Resource lists for Kamailio's rls module: an rls-services document (RFC 4826 §4) stored in the `xcap` table, where
// rls (integrated_xcap_server) looks it up by the *watcher's* user and domain (guide: "Resource lists"). The list is
// inline (`<list><entry uri=…/>`), so no XCAP server is involved.
import type { KamailioHandle } from './kamailio';

/** rls `RLS_SERVICE` document type in the xcap table. */
const RLS_SERVICES_DOC_TYPE = 8;

/** A list member: a user of the PBX domain (`'101'`), a full URI, or a URI with a display name for the RLMI. */
export type ResourceListMember = string | { uri: string; name?: string };

/** Options for {@link createResourceList}. */
export interface ResourceListOptions {
  /** User part of the subscriber who may use the list (its From), e.g. `reception`. */
  watcher: string;
  /** User part of the list URI, e.g. `team` for `sip:team@test.local`. */
  listUser: string;
  members: ResourceListMember[];
  /** Event packages the list serves (RFC 4826 §4.2 `<packages>`); default presence and dialog. */
  packages?: Array<'presence' | 'dialog'>;
}

function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function memberUri(member: ResourceListMember, domain: string): { uri: string; name?: string } {
  const m = typeof member === 'string' ? { uri: member } : member;
  return m.uri.includes(':') ? m : { ...m, uri: `sip:${m.uri}@${domain}` };
}

/** One `<service>` element; no line breaks, so the document round-trips through sqlite3's list output. */
export function rlsService(
  listUri: string,
  members: Array<{ uri: string; name?: string }>,
  packages: string[],
): string {
  const entries = members
    .map(({ uri, name }) =>
      name === undefined
        ? `<entry uri="${xmlEscape(uri)}"/>`
        : `<entry uri="${xmlEscape(uri)}"><display-name>${xmlEscape(name)}</display-name></entry>`,
    )
    .join('');
  const pkgs = packages.map((p) => `<package>${p}</package>`).join('');
  return (
    `<service uri="${xmlEscape(listUri)}">` +
    `<list xmlns="urn:ietf:params:xml:ns:resource-lists">${entries}</list>` +
    `<packages>${pkgs}</packages></service>`
  );
}

const DOC_START =
  '<?xml version="1.0" encoding="UTF-8"?><rls-services xmlns="urn:ietf:params:xml:ns:rls-services">';
const DOC_END = '</rls-services>';

/**
 * Stores (or replaces) the list `sip:<listUser>@<domain>` in the watcher's rls-services document and returns the
 * list URI. rls reads only the first document row per watcher, so every list of one watcher lives in one document:
 * a second call for the same watcher adds its service next to the others. Kamailio reads the table on each initial
 * list SUBSCRIBE, so no restart is needed; a SUBSCRIBE to the list URI with `Supported: eventlist` and Event
 * presence or dialog then gets RLMI NOTIFYs (RFC 4662).
 */
export async function createResourceList(kam: KamailioHandle, opts: ResourceListOptions): Promise<string> {
  const listUri = `sip:${opts.listUser}@${kam.domain}`;
  const where = `username = ${sqlString(opts.watcher)} AND domain = ${sqlString(kam.domain)} AND doc_type = ${RLS_SERVICES_DOC_TYPE}`;
  const existing = (await kam.sql(`SELECT doc FROM xcap WHERE ${where} LIMIT 1;`)).trim();
  const services = existing.startsWith(DOC_START) ? existing.slice(DOC_START.length, -DOC_END.length) : '';
  const others = services
    .split(/(?=<service )/)
    .filter((s) => s.startsWith('<service ') && !s.startsWith(`<service uri="${xmlEscape(listUri)}">`));
  const service = rlsService(
    listUri,
    opts.members.map((m) => memberUri(m, kam.domain)),
    opts.packages ?? ['presence', 'dialog'],
  );
  const doc = DOC_START + [...others, service].join('') + DOC_END;
  const docUri = `/xcap-root/rls-services/users/sip:${opts.watcher}@${kam.domain}/index`;
  await kam.sql(
    `DELETE FROM xcap WHERE ${where};\n` +
      'INSERT INTO xcap (username, domain, doc, doc_type, etag, source, doc_uri, port) VALUES (' +
      [
        sqlString(opts.watcher),
        sqlString(kam.domain),
        sqlString(doc),
        String(RLS_SERVICES_DOC_TYPE),
        sqlString(`etag-${Date.now().toString(36)}`),
        '0',
        sqlString(docUri),
        '0',
      ].join(', ') +
      ');',
  );
  return listUri;
}
