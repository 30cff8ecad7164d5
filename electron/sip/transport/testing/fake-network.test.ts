import { describe, expect, it } from 'vitest';
import { FakeNetwork } from './fake-network';
import { TransportError, type Flow } from '../types';

function collect(transport: {
  on: (e: 'message', l: (data: Buffer, flow: Flow) => void) => unknown;
}): { text: string; flow: Flow }[] {
  const received: { text: string; flow: Flow }[] = [];
  transport.on('message', (data, flow) => received.push({ text: data.toString(), flow }));
  return received;
}

describe('FakeNetwork', () => {
  it('delivers asynchronously both ways and logs what was sent', async () => {
    const net = new FakeNetwork();
    const a = net.transport({ protocol: 'udp', host: '127.0.0.1', port: 5060 });
    const b = net.transport({ protocol: 'udp', host: '127.0.0.2', port: 5070 });
    const atA = collect(a);
    const atB = collect(b);
    const flow = await a.getFlow({ host: '127.0.0.2', port: 5070 });
    expect(flow).toMatchObject({
      protocol: 'udp',
      reliable: false,
      id: 'udp:127.0.0.1:5060->127.0.0.2:5070',
    });

    flow.send(Buffer.from('INVITE'));
    expect(atB).toEqual([]);
    await net.flush();
    expect(atB.map((m) => m.text)).toEqual(['INVITE']);
    const back = atB[0]!.flow;
    expect(back.local).toEqual({ protocol: 'udp', host: '127.0.0.2', port: 5070 });
    expect(back.remote).toEqual({ protocol: 'udp', host: '127.0.0.1', port: 5060 });

    back.send(Buffer.from('SIP/2.0 100 Trying'));
    await net.flush();
    expect(atA).toEqual([{ text: 'SIP/2.0 100 Trying', flow }]);
    expect(net.sent.map((d) => [d.text, d.from.port, d.to.port])).toEqual([
      ['INVITE', 5060, 5070],
      ['SIP/2.0 100 Trying', 5070, 5060],
    ]);
  });

  it('drops the next N messages, then delivers again', async () => {
    const net = new FakeNetwork();
    const a = net.transport({ protocol: 'udp', host: '127.0.0.1', port: 5060 });
    const b = net.transport({ protocol: 'udp', host: '127.0.0.1', port: 5070 });
    const atB = collect(b);
    const flow = await a.getFlow({ host: '127.0.0.1', port: 5070 });
    net.dropNext(2);
    for (const n of [1, 2, 3]) flow.send(Buffer.from(`REGISTER ${n}`));
    await net.flush();
    expect(atB.map((m) => m.text)).toEqual(['REGISTER 3']);
    expect(net.dropped.map((d) => d.text)).toEqual(['REGISTER 1', 'REGISTER 2']);
    expect(net.sent.map((d) => d.text)).toEqual(['REGISTER 3']);
  });

  it('applies a filter to every message until removed', async () => {
    const net = new FakeNetwork();
    const a = net.transport({ protocol: 'udp', host: '127.0.0.1', port: 5060 });
    const b = net.transport({ protocol: 'udp', host: '127.0.0.1', port: 5070 });
    const atB = collect(b);
    const flow = await a.getFlow({ host: '127.0.0.1', port: 5070 });
    net.setFilter(
      (data, from, to) => !(data.toString().startsWith('BYE') && from.port === 5060 && to.port === 5070),
    );
    flow.send(Buffer.from('BYE 1'));
    flow.send(Buffer.from('INFO 1'));
    net.setFilter(undefined);
    flow.send(Buffer.from('BYE 2'));
    await net.flush();
    expect(atB.map((m) => m.text)).toEqual(['INFO 1', 'BYE 2']);
  });

  it('makes TCP and TLS flows reliable and refuses connections to nobody', async () => {
    const net = new FakeNetwork();
    const a = net.transport({ protocol: 'tcp', host: '127.0.0.1', port: 5060 });
    net.transport({ protocol: 'tcp', host: '127.0.0.1', port: 5070 });
    const tls = net.transport({ protocol: 'tls', host: '127.0.0.1', port: 5061 });
    expect(a.reliable).toBe(true);
    expect(tls.reliable).toBe(true);
    expect((await a.getFlow({ host: '127.0.0.1', port: 5070 })).reliable).toBe(true);
    await expect(a.getFlow({ host: '127.0.0.1', port: 5999 })).rejects.toMatchObject({
      code: 'connect-failed',
    });
    // A UDP endpoint with nobody behind it loses the datagram, as the real network would.
    const udp = net.transport({ protocol: 'udp', host: '127.0.0.1', port: 5060 });
    (await udp.getFlow({ host: '127.0.0.1', port: 5999 })).send(Buffer.from('lost'));
    await net.flush();
    expect(net.dropped.map((d) => d.text)).toEqual(['lost']);
  });

  it('closes both ends of a broken connection', async () => {
    const net = new FakeNetwork();
    const a = net.transport({ protocol: 'tcp', host: '127.0.0.1', port: 5060 });
    const b = net.transport({ protocol: 'tcp', host: '127.0.0.1', port: 5070 });
    const closedA: [Flow, TransportError | undefined][] = [];
    const closedB: Flow[] = [];
    a.on('flowClosed', (flow, error) => closedA.push([flow, error]));
    b.on('flowClosed', (flow) => closedB.push(flow));
    const flow = await a.getFlow({ host: '127.0.0.1', port: 5070 });
    flow.send(Buffer.from('SUBSCRIBE'));
    await net.flush();
    const error = new TransportError('reset', 'closed');
    a.closeFlow({ host: '127.0.0.1', port: 5070 }, error);
    expect(closedA).toEqual([[flow, error]]);
    expect(closedB.map((f) => f.remote.port)).toEqual([5060]);
    expect(() => flow.send(Buffer.from('x'))).toThrow(TransportError);
    expect(await a.getFlow({ host: '127.0.0.1', port: 5070 })).not.toBe(flow);
  });
});
