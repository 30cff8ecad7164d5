/**
 * The notifier side of `benchNotifyRouting`, run in a worker thread so the blasting and timing do not share the
 * event loop with the stack under test. Plain JavaScript source (evaluated with `new Worker(source, { eval: true })`,
 * no TypeScript loader needed in the worker). It answers every SUBSCRIBE 200 with a To tag, and on request blasts
 * NOTIFYs round-robin across the dialogs it created, timing each 200 by its branch.
 *
 * Messages in: `{ type: 'start', ourPort }`, `{ type: 'warm' }`, `{ type: 'flood', count, window }`,
 * `{ type: 'paced', count, rate, round }` (open loop at `rate`/s), `{ type: 'close' }`.
 * Messages out: `{ type: 'listening', port }`, `{ type: 'dialogs', size }`, `{ type: 'warmed', answered }`,
 * `{ type: 'result', answered, seconds, p50, p99 }`.
 */
export const NOTIFIER_PEER_SOURCE = String.raw`
const { parentPort } = require('node:worker_threads');
const dgram = require('node:dgram');
const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 << 20 });
const dialogs = new Map();
const sentAt = new Map();
let ourPort = 0;
let peerPort = 0;
let latencies = [];
let answered = 0;
let release;
const BODY = '<?xml version="1.0"?>\r\n<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="1" state="full" entity="sip:101@bench.local">\r\n' +
  '<dialog id="a1" call-id="c1" local-tag="l1" remote-tag="r1" direction="recipient"><state>confirmed</state>\r\n' +
  '<remote><identity>sip:102@bench.local</identity></remote></dialog>\r\n</dialog-info>\r\n';
const header = (text, name) => {
  const m = new RegExp('^' + name + ':[ \\t]*(.*)$', 'mi').exec(text);
  return m ? m[1].replace(/\r$/, '') : '';
};
function answerSubscribe(text) {
  const callId = header(text, 'Call-ID');
  let d = dialogs.get(callId);
  if (!d) {
    const contact = header(text, 'Contact');
    d = { callId, from: header(text, 'From'), target: contact.slice(contact.indexOf('<') + 1, contact.indexOf('>')), tag: 'n' + dialogs.size, cseq: 0 };
    dialogs.set(callId, d);
    parentPort.postMessage({ type: 'dialogs', size: dialogs.size });
  }
  const to = header(text, 'To');
  const vias = text.split('\r\n').filter((l) => /^Via:/i.test(l)).join('\r\n');
  socket.send('SIP/2.0 200 OK\r\n' + vias + '\r\nFrom: ' + d.from + '\r\nTo: ' + (/;\s*tag=/.test(to) ? to : to + ';tag=' + d.tag) +
    '\r\nCall-ID: ' + callId + '\r\nCSeq: ' + header(text, 'CSeq') + '\r\nContact: <sip:notifier@127.0.0.1:' + peerPort +
    '>\r\nExpires: ' + header(text, 'Expires') + '\r\nContent-Length: 0\r\n\r\n', ourPort, '127.0.0.1');
}
function notify(d, branch) {
  return Buffer.from('NOTIFY ' + d.target + ' SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:' + peerPort + ';branch=' + branch +
    '\r\nMax-Forwards: 70\r\nFrom: <sip:101@bench.local>;tag=' + d.tag + '\r\nTo: ' + d.from + '\r\nCall-ID: ' + d.callId +
    '\r\nCSeq: ' + (++d.cseq) + ' NOTIFY\r\nContact: <sip:notifier@127.0.0.1:' + peerPort + '>\r\nEvent: dialog\r\n' +
    'Subscription-State: active;expires=3600\r\nContent-Type: application/dialog-info+xml\r\nContent-Length: ' +
    Buffer.byteLength(BODY) + '\r\n\r\n' + BODY);
}
socket.on('message', (data) => {
  if (data[3] !== 0x2f) return answerSubscribe(data.toString('latin1'));
  const text = data.toString('latin1');
  const at = text.indexOf('branch=');
  const branch = text.slice(at + 7, text.indexOf('\r', at));
  const t0 = sentAt.get(branch);
  if (t0 === undefined) return;
  sentAt.delete(branch);
  latencies.push(performance.now() - t0);
  answered++;
  if (sentAt.size === 0 && release) release();
});
async function blast(messages, window) {
  latencies = [];
  answered = 0;
  const start = performance.now();
  for (let sent = 0; sent < messages.length; ) {
    const done = new Promise((resolve) => (release = resolve));
    for (let i = 0; i < window && sent < messages.length; i++, sent++) {
      sentAt.set(messages[sent].branch, performance.now());
      socket.send(messages[sent].data, ourPort, '127.0.0.1');
    }
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 2000))]);
    sentAt.clear();
  }
  return (performance.now() - start) / 1000;
}
// Open loop: sends at a fixed rate whatever the answers do, as a real notifier would, and times every 200.
async function paced(messages, rate) {
  latencies = [];
  answered = 0;
  const start = performance.now();
  let sent = 0;
  while (sent < messages.length) {
    const due = Math.min(messages.length, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    for (; sent < due; sent++) {
      sentAt.set(messages[sent].branch, performance.now());
      socket.send(messages[sent].data, ourPort, '127.0.0.1');
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  const sendSeconds = (performance.now() - start) / 1000;
  const deadline = performance.now() + 3000;
  while (sentAt.size > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  sentAt.clear();
  return sendSeconds;
}
parentPort.on('message', async (m) => {
  if (m.type === 'start') {
    ourPort = m.ourPort;
    socket.bind(0, '127.0.0.1', () => {
      peerPort = socket.address().port;
      parentPort.postMessage({ type: 'listening', port: peerPort });
    });
  } else if (m.type === 'warm') {
    const all = [...dialogs.values()];
    await blast(all.map((d, i) => ({ branch: 'z9hG4bKwarm' + i, data: notify(d, 'z9hG4bKwarm' + i) })), 200);
    parentPort.postMessage({ type: 'warmed', answered });
  } else if (m.type === 'flood') {
    const all = [...dialogs.values()];
    const messages = [];
    for (let i = 0; i < m.count; i++) messages.push({ branch: 'z9hG4bKflood' + i, data: notify(all[i % all.length], 'z9hG4bKflood' + i) });
    const seconds = await blast(messages, m.window);
    latencies.sort((a, b) => a - b);
    const pick = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
    parentPort.postMessage({ type: 'result', answered, seconds, p50: pick(50), p99: pick(99) });
  } else if (m.type === 'paced') {
    const all = [...dialogs.values()];
    const messages = [];
    for (let i = 0; i < m.count; i++) messages.push({ branch: 'z9hG4bKpaced' + m.round + '-' + i, data: notify(all[i % all.length], 'z9hG4bKpaced' + m.round + '-' + i) });
    const seconds = await paced(messages, m.rate);
    latencies.sort((a, b) => a - b);
    const pick = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
    parentPort.postMessage({ type: 'result', answered, seconds, p50: pick(50), p99: pick(99) });
  } else if (m.type === 'close') {
    socket.close(() => process.exit(0));
  }
});
`;
