/**
 * Bodies for the fuzz test: the valid ones the fake PBX notifies with (RFC 4235 dialog-info, RFC 3863 PIDF,
 * RFC 4662 RLMI in multipart/related) and the hostile ones the mutator puts in their place.
 */
import type { Prng } from './fuzz-mutate';

export interface FuzzBody {
  contentType: string;
  bytes: Buffer;
}

export interface HostileBody {
  kind:
    | 'billion-laughs'
    | 'external-entity'
    | 'deep-nesting'
    | 'wide'
    | 'bad-boundary'
    | 'unterminated-multipart'
    | 'nested-multipart'
    | 'binary';
}

const DIALOG_INFO = 'application/dialog-info+xml';

/** A full-state dialog-info document, idle or with one confirmed call (RFC 4235 §4.1). */
export function dialogInfo(entity: string, version: number, busy = false): string {
  const dialog = busy
    ? `<dialog id="d${version}" call-id="c${version}" local-tag="l" remote-tag="r" direction="recipient"><state>confirmed</state></dialog>`
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="${version}" state="full" entity="${entity}">${dialog}</dialog-info>`;
}

/** A PIDF document saying `open` (RFC 3863). */
export function pidf(entity: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${entity}"><tuple id="t1"><status><basic>open</basic></status></tuple></presence>`;
}

/** An RLMI list notification with one dialog-info part per member (RFC 4662 §5). */
export function rlmiBody(listUri: string, members: string[], version: number): FuzzBody {
  const boundary = `fuzzb${version}`;
  const instances = members
    .map((m, i) => `<resource uri="${m}"><name>Member ${i}</name><instance id="i${i}" state="active" cid="p${i}@fuzz"/></resource>`)
    .join('');
  const rlmi = `<?xml version="1.0" encoding="UTF-8"?>\n<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="${listUri}" version="${version}" fullState="true">${instances}</list>`;
  const parts = [
    `Content-Type: application/rlmi+xml\r\nContent-ID: <root@fuzz>\r\n\r\n${rlmi}`,
    ...members.map((m, i) => `Content-Type: ${DIALOG_INFO}\r\nContent-ID: <p${i}@fuzz>\r\n\r\n${dialogInfo(m, version)}`),
  ];
  const text = parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('') + `--${boundary}--\r\n`;
  return {
    contentType: `multipart/related;type="application/rlmi+xml";start="<root@fuzz>";boundary="${boundary}"`,
    bytes: Buffer.from(text, 'utf8'),
  };
}

/** A body built to hurt a parser: entity expansion, nesting, width, broken multipart framing, binary. */
export function hostileBody(kind: HostileBody['kind'], rng: Prng): FuzzBody {
  switch (kind) {
    case 'billion-laughs': {
      let entities = '<!ENTITY lol0 "lol">';
      for (let i = 1; i <= 9; i++) entities += `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`;
      return xml(`<?xml version="1.0"?><!DOCTYPE dialog-info [${entities}]><dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="1" state="full" entity="&lol9;"><dialog id="&lol9;"><state>&lol9;</state></dialog></dialog-info>`);
    }
    case 'external-entity':
      return xml('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="2" state="full" entity="&x;"/>');
    case 'deep-nesting': {
      const depth = 2000 + rng.int(6000);
      return xml(`<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="3" state="full" entity="sip:x">${'<dialog>'.repeat(depth)}${'</dialog>'.repeat(depth)}</dialog-info>`);
    }
    case 'wide': {
      const dialog = '<dialog id="w"><state>confirmed</state></dialog>';
      return xml(`<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="4" state="full" entity="sip:x">${dialog.repeat(500 + rng.int(800))}</dialog-info>`);
    }
    case 'bad-boundary':
      return multipart(rng.pick(['', 'a"b', 'x'.repeat(300), 'b; boundary=c', '--']), `--other\r\nContent-Type: ${DIALOG_INFO}\r\n\r\n<dialog-info/>\r\n--other--\r\n`);
    case 'unterminated-multipart':
      return multipart('b1', `--b1\r\nContent-Type: application/rlmi+xml\r\n\r\n<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:l" version="1" fullState="true">`);
    case 'nested-multipart': {
      let body = `--n0\r\nContent-Type: ${DIALOG_INFO}\r\n\r\n<dialog-info/>\r\n--n0--\r\n`;
      for (let i = 1; i < 40; i++) body = `--n${i}\r\nContent-Type: multipart/mixed;boundary=n${i - 1}\r\n\r\n${body}\r\n--n${i}--\r\n`;
      return multipart('n39', body);
    }
    case 'binary':
      return { contentType: rng.pick([DIALOG_INFO, 'application/pidf+xml', 'application/rlmi+xml']), bytes: Buffer.from(Array.from({ length: 1 + rng.int(4000) }, () => rng.int(256))) };
  }
}

function xml(text: string): FuzzBody {
  return { contentType: DIALOG_INFO, bytes: Buffer.from(text, 'utf8') };
}

function multipart(boundary: string, text: string): FuzzBody {
  return { contentType: `multipart/related;type="application/rlmi+xml";boundary="${boundary}"`, bytes: Buffer.from(text, 'utf8') };
}
