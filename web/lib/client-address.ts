import { BlockList, isIP } from "node:net";
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";

/**
 * The proxies whose `X-Forwarded-For` this server believes (TRUSTED_PROXIES: addresses or CIDR ranges, comma-separated;
 * e.g. the ingress controller's pod range). Empty by default: then the client is the socket's peer, whatever the
 * request says. An entry that is not an address or a range stops the server at start, rather than trusting nobody
 * (or everybody) by mistake.
 */
export function trustedProxies(value = process.env.TRUSTED_PROXIES ?? ""): BlockList {
  const list = new BlockList();
  for (const entry of value.split(",").map((e) => e.trim()).filter(Boolean)) {
    const [address, prefix, extra] = entry.split("/");
    const family = isIP(address ?? "");
    const bits = prefix === undefined ? undefined : Number(prefix);
    if (!family || extra !== undefined || (bits !== undefined && !(Number.isInteger(bits) && bits >= 0 && bits <= (family === 4 ? 32 : 128)))) {
      throw new Error(`TRUSTED_PROXIES: "${entry}" is not an IP address or a CIDR range (e.g. 10.0.0.7 or 10.0.0.0/24).`);
    }
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) list.addAddress(address!, type);
    else list.addSubnet(address!, bits, type);
  }
  return list;
}

/** An IPv4 peer of a dual-stack socket arrives as ::ffff:a.b.c.d; the plain form is what proxies write and lists name. */
function plain(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

function isTrusted(proxies: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && proxies.check(address, family === 4 ? "ipv4" : "ipv6");
}

/**
 * The client's address: the socket's peer, unless that peer is a trusted proxy, in which case the forwarded chain is
 * read from the right, past every trusted hop, to the first address a trusted proxy vouches for. A client that sends
 * its own `X-Forwarded-For` straight to this server changes nothing.
 */
export function clientAddress(peer: string, forwardedFor: string | string[] | undefined, proxies: BlockList): string {
  const hops = [...[forwardedFor ?? []].flat().flatMap((h) => h.split(",")).map((h) => plain(h.trim())).filter(Boolean), plain(peer)];
  for (let i = hops.length - 1; i > 0; i--) {
    if (!isTrusted(proxies, hops[i]!)) return hops[i]!;
    if (!isIP(hops[i - 1]!)) return hops[i]!; // a trusted proxy that forwarded garbage: the proxy is the last known hop
  }
  return hops[0]!;
}

let attributing = false;

/**
 * Makes `X-Forwarded-For` on every request this process serves the one client address computed above, before Next.js
 * or Better Auth sees it. Next.js keeps a client-sent header as it is (it fills it from the socket only when absent),
 * and Better Auth trusts a single-value header for its per-address rate limits, so without this a client could choose
 * the address its limits count. Node publishes each request on this channel before the server's handler runs.
 */
export function attributeClientAddresses(proxies = trustedProxies()): void {
  if (attributing) return;
  attributing = true;
  subscribe("http.server.request.start", (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    if (!socket.remoteAddress) return;
    request.headers["x-forwarded-for"] = clientAddress(socket.remoteAddress, request.headers["x-forwarded-for"], proxies);
  });
}
