import type { IncomingMessage } from 'node:http';
import { normalizeIp } from '@nestjs/throttler';

/**
 * The address a request is counted under. With no trusted proxy it is the connection's peer (an
 * X-Forwarded-For header is anyone's to forge); behind `trustProxyHops` proxies it is the entry
 * that many hops from the right of X-Forwarded-For (what the nearest trusted proxy saw), or the
 * leftmost when the header is shorter. IPv6 addresses count per /64, as the throttler does.
 *
 * @example
 *   // peer 10.0.0.2 (nginx), X-Forwarded-For: "6.6.6.6, 203.0.113.9"
 *   clientAddress(req, 0); // '10.0.0.2'
 *   clientAddress(req, 1); // '203.0.113.9'
 */
export function clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>, trustProxyHops: number): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (trustProxyHops === 0) return normalizeIp(peer);
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((entry) => entry.trim()).filter(Boolean);
  // Nearest first: the peer, then X-Forwarded-For from its right end.
  const chain = [peer, ...forwarded.reverse()];
  return normalizeIp(chain[Math.min(trustProxyHops, chain.length - 1)]);
}
