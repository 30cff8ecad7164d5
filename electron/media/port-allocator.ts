/**
 * RTP/RTCP port pairs from a configured range (RFC 3550 §11: RTP on an even port, RTCP on the next odd one). The
 * allocator is shared by every session of a factory, so two calls never race for one pair; a pair another process
 * holds is skipped.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { MediaLog, PortRange } from './media-types';

/** An expected media failure; the session turns it into an SDP failure (488), never a crash. */
export class MediaError extends Error {}

/** Every even/odd pair of the range is in use (by our calls or by other programs). */
export class PortRangeExhausted extends MediaError {
  override readonly name = 'PortRangeExhausted';
  constructor(readonly range: PortRange) {
    super(`no free RTP/RTCP port pair in ${range.min}-${range.max}`);
  }
}

/** The local address cannot be bound at all (not ours, or not IPv4). */
export class LocalAddressUnusable extends MediaError {
  override readonly name = 'LocalAddressUnusable';
  constructor(
    readonly address: string,
    readonly code: string,
  ) {
    super(`cannot bind RTP to ${address}: ${code}`);
  }
}

/** Two bound sockets and the ports they hold; `release()` closes both and returns the pair to the range. */
export interface RtpSocketPair {
  rtp: Socket;
  rtcp: Socket;
  rtpPort: number;
  rtcpPort: number;
  release(): void;
}

/** Errors that mean "this port is taken, try the next pair". */
const TAKEN = new Set(['EADDRINUSE', 'EACCES']);

function bind(address: string, port: number, log: MediaLog): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: 'udp4' });
    const onError = (error: NodeJS.ErrnoException): void => {
      socket.close();
      reject(error);
    };
    socket.once('error', onError);
    socket.bind({ port, address, exclusive: true }, () => {
      socket.off('error', onError);
      // From here on a socket error (an ICMP-induced failure, a closed interface) is logged, never thrown.
      socket.on('error', (error) => log(`media: UDP socket ${address}:${port}: ${error.message}`));
      resolve(socket);
    });
  });
}

function closeQuietly(socket: Socket): void {
  try {
    socket.close();
  } catch {
    // Already closed: nothing left to free.
  }
}

/** Hands out port pairs from `range`, round-robin so a freed pair is not reused at once (late packets of the old call). */
export class PortAllocator {
  private readonly reserved = new Set<number>();
  private readonly first: number;
  private readonly last: number;
  private cursor: number;

  constructor(
    private readonly range: PortRange,
    private readonly log: MediaLog = () => {},
  ) {
    this.first = range.min + (range.min % 2);
    // The last even port whose odd partner is still in range.
    this.last = range.max - 1 - ((range.max - 1) % 2);
    this.cursor = this.first;
  }

  /** Pairs currently held by sessions. */
  get inUse(): number {
    return this.reserved.size;
  }

  /** Binds an RTP and an RTCP socket on `address`; rejects with {@link PortRangeExhausted} or {@link LocalAddressUnusable}. */
  async allocate(address: string): Promise<RtpSocketPair> {
    const pairs = this.last < this.first ? 0 : (this.last - this.first) / 2 + 1;
    for (let tried = 0; tried < pairs; tried++) {
      const port = this.cursor;
      this.cursor = port + 2 > this.last ? this.first : port + 2;
      if (this.reserved.has(port)) continue;
      // Reserved before the first await, so a concurrent allocation skips it.
      this.reserved.add(port);
      const pair = await this.bindPair(address, port);
      if (pair) return pair;
      this.reserved.delete(port);
    }
    throw new PortRangeExhausted(this.range);
  }

  private async bindPair(address: string, port: number): Promise<RtpSocketPair | undefined> {
    let rtp: Socket | undefined;
    try {
      const boundRtp = (rtp = await bind(address, port, this.log));
      const rtcp = await bind(address, port + 1, this.log);
      let released = false;
      return {
        rtp: boundRtp,
        rtcp,
        rtpPort: port,
        rtcpPort: port + 1,
        release: () => {
          if (released) return;
          released = true;
          closeQuietly(boundRtp);
          closeQuietly(rtcp);
          this.reserved.delete(port);
        },
      };
    } catch (error) {
      if (rtp) closeQuietly(rtp);
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
      if (TAKEN.has(code)) {
        this.log(`media: port pair ${port}/${port + 1} on ${address} is taken (${code}), trying the next`);
        return undefined;
      }
      throw new LocalAddressUnusable(address, code);
    }
  }
}
