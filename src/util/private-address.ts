import { BlockList, isIP } from "node:net";
import { networkInterfaces } from "node:os";

/**
 * Loopback, private, link-local, CGNAT, multicast and reserved ranges that webhooks and fetched URLs must
 * not reach unless allowed. Built on first use: a run that fetches nothing does not load BlockList.
 */
let privateRanges: BlockList | undefined;
function privateRangesList(): BlockList {
  if (privateRanges) return privateRanges;
  const list = new BlockList();
  for (const [net, prefix] of [
    ["0.0.0.0", 8],
    ["10.0.0.0", 8],
    ["100.64.0.0", 10],
    ["127.0.0.0", 8],
    ["169.254.0.0", 16],
    ["172.16.0.0", 12],
    ["192.0.0.0", 24],
    ["192.168.0.0", 16],
    ["192.0.2.0", 24], // TEST-NET-1..3: documentation, never a public host
    ["198.18.0.0", 15],
    ["198.51.100.0", 24],
    ["203.0.113.0", 24],
    ["224.0.0.0", 4],
    ["240.0.0.0", 4],
  ] as const)
    list.addSubnet(net, prefix, "ipv4");
  for (const [net, prefix] of [
    ["::", 128],
    ["::1", 128],
    ["2001:db8::", 32],
    ["fc00::", 7],
    ["fe80::", 10],
    ["ff00::", 8],
  ] as const)
    list.addSubnet(net, prefix, "ipv6");
  return (privateRanges = list);
}

/** Private, loopback or reserved, or one of this machine's own addresses (a public one reaches its services too). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPrivateAddress(mapped[1]!);
  const family = isIP(address);
  if (family === 0) return true;
  return (
    privateRangesList().check(address, family === 4 ? "ipv4" : "ipv6") || ownAddresses().has(address.toLowerCase())
  );
}

/** This machine's interface addresses, read on each check: interfaces come and go. */
function ownAddresses(): Set<string> {
  return new Set(
    Object.values(networkInterfaces())
      .flat()
      .map((entry) => entry!.address.toLowerCase()),
  );
}

export type HostLookup = (host: string) => Promise<string[]>;

// node:dns/promises is loaded on the first lookup, not by every run that bundles this module.
const systemLookup: HostLookup = async (host) =>
  (await (await import("node:dns/promises")).lookup(host, { all: true })).map((a) => a.address);

/**
 * The first private or loopback address `host` (a name or an IP literal) resolves to, or undefined.
 * A name that does not resolve is left to the connection to report.
 */
export async function privateAddressOf(host: string, lookup: HostLookup = systemLookup): Promise<string | undefined> {
  const bare = host.replace(/^\[|\]$/g, "");
  if (isIP(bare)) return isPrivateAddress(bare) ? bare : undefined;
  const addresses = await lookup(bare).catch(() => [] as string[]);
  return addresses.find(isPrivateAddress);
}
