/**
 * Loopback ports for the servers Deskflow starts itself (Temporal dev server, PostgreSQL, rooms,
 * Mailpit) and for tests. A port from listen(0) lies inside the kernel's ephemeral range, so an
 * outgoing connection could take it as its local port between the probe and the server's bind, or
 * between a stop and a restart that reuses it; ports below that range are only ever taken on purpose.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const HOST = '127.0.0.1';

/** Whether nothing listens on the port on 127.0.0.1 right now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host: HOST, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A free loopback port below the ephemeral range (12,000 ports to draw from). */
export async function freePort(): Promise<number> {
  const low = ephemeralLow();
  const floor = Math.max(1024, low - 12_000);
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = floor + Math.floor(Math.random() * (low - floor));
    if (await portIsFree(port)) return port;
  }
  throw new Error(`no free port on ${HOST} between ${floor} and ${low}`);
}

function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 2048 ? low : 32_768;
  } catch {
    return 32_768; // Linux's default; other systems keep theirs higher (49152 on macOS)
  }
}
