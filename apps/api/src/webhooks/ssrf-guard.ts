import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { IntendedOpsError } from "@intendedops/core";

/**
 * Address ranges a webhook may not reach unless private targets are allowed: loopback, private
 * networks, carrier-grade NAT, link-local (which holds the cloud metadata services at
 * 169.254.169.254 and fd00:ec2::254), and addresses that are not unicast destinations.
 * IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) are checked against the IPv4 ranges. The IPv6
 * forms that carry an IPv4 address some other way are refused whole, whatever they embed: the
 * deprecated IPv4-compatible block (::7f00:1 is 127.0.0.1), SIIT's IPv4-translated block
 * (::ffff:0:0/96: ::ffff:0:7f00:1 is 127.0.0.1 behind a stateless translator), NAT64 (64:ff9b::/96
 * and the local-use 64:ff9b:1::/48), 6to4 (2002::/16) and Teredo (2001::/32). Sorting their public
 * embeddings from the private ones buys nothing a webhook needs. The deprecated site-local block
 * (fec0::/10) is as internal as fc00::/7 wherever it is still routed.
 */
const FORBIDDEN: readonly [string, number, "ipv4" | "ipv6"][] = [
  ["0.0.0.0", 8, "ipv4"],
  ["10.0.0.0", 8, "ipv4"],
  ["100.64.0.0", 10, "ipv4"],
  ["127.0.0.0", 8, "ipv4"],
  ["169.254.0.0", 16, "ipv4"],
  ["172.16.0.0", 12, "ipv4"],
  ["192.0.0.0", 24, "ipv4"],
  ["192.168.0.0", 16, "ipv4"],
  ["198.18.0.0", 15, "ipv4"],
  ["224.0.0.0", 4, "ipv4"],
  ["240.0.0.0", 4, "ipv4"],
  ["::", 96, "ipv6"],
  ["::1", 128, "ipv6"],
  ["::ffff:0:0:0", 96, "ipv6"],
  ["64:ff9b::", 96, "ipv6"],
  ["64:ff9b:1::", 48, "ipv6"],
  ["100::", 64, "ipv6"],
  ["2001::", 32, "ipv6"],
  ["2002::", 16, "ipv6"],
  ["fc00::", 7, "ipv6"],
  ["fe80::", 10, "ipv6"],
  ["fec0::", 10, "ipv6"],
  ["ff00::", 8, "ipv6"],
];

const forbidden = new BlockList();
for (const [network, prefix, family] of FORBIDDEN) forbidden.addSubnet(network, prefix, family);

/** True when `address` (an IP literal) is loopback, private, link-local, metadata or not unicast. */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return forbidden.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** The guard's options: the `INTENDEDOPS_ALLOW_PRIVATE_WEBHOOKS` switch and, for tests, a resolver. */
export interface SsrfOptions {
  allowPrivate: boolean;
  /** Resolves a hostname to every address (default: the system resolver, `dns.lookup`). */
  resolve?: (hostname: string) => Promise<LookupAddress[]>;
}

/** Raised for a target the guard refuses; its message names the reason, never internals. */
export class ForbiddenTargetError extends Error {
  readonly code = "EWEBHOOKTARGET";
}

const defaultResolve = (hostname: string): Promise<LookupAddress[]> =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    );
  });

/** The URL's host as an IP literal (brackets removed), or undefined for a name. */
function literalHost(url: URL): string | undefined {
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  return isIP(host) === 0 ? undefined : host;
}

function refuse(message: string): IntendedOpsError {
  return new IntendedOpsError("VALIDATION_ERROR", `url: ${message}`, [{ path: ["url"], message }]);
}

/**
 * Checks a webhook URL when it is registered: http(s) only, no credentials in it, and — unless
 * private targets are allowed — a host that resolves only to public addresses. Throws the
 * guide's VALIDATION_ERROR naming the reason. Delivery checks again at connect time (see
 * `guardedLookup`), since DNS answers may change after registration.
 */
export async function assertWebhookUrl(raw: string, options: SsrfOptions): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse("must be an absolute http:// or https:// URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw refuse("must use http or https");
  if (url.username !== "" || url.password !== "") throw refuse("must not contain credentials");
  if (options.allowPrivate) return url;
  const literal = literalHost(url);
  if (literal !== undefined) {
    if (isForbiddenAddress(literal)) throw refuse("targets a loopback, private or link-local address");
    return url;
  }
  let addresses: LookupAddress[];
  try {
    addresses = await (options.resolve ?? defaultResolve)(url.hostname);
  } catch {
    throw refuse(`host ${url.hostname} does not resolve`);
  }
  if (addresses.length === 0) throw refuse(`host ${url.hostname} does not resolve`);
  if (addresses.some((a) => isForbiddenAddress(a.address))) {
    throw refuse(`host ${url.hostname} resolves to a loopback, private or link-local address`);
  }
  return url;
}

/**
 * Refuses a delivery target whose host is a forbidden IP literal (a literal never reaches the
 * socket's lookup). Undefined when the target may be tried.
 */
export function literalTargetError(url: URL, options: SsrfOptions): ForbiddenTargetError | undefined {
  if (options.allowPrivate) return undefined;
  const literal = literalHost(url);
  if (literal !== undefined && isForbiddenAddress(literal)) {
    return new ForbiddenTargetError(`refused: ${literal} is a loopback, private or link-local address`);
  }
  return undefined;
}

/**
 * A socket `lookup` that resolves the name and refuses the connection when any answer is a
 * forbidden address. The socket connects only to addresses checked here, so a DNS answer that
 * changes between check and connect (rebinding) cannot slip through.
 */
export function guardedLookup(options: SsrfOptions): LookupFunction {
  const resolve = options.resolve ?? defaultResolve;
  return (hostname, lookupOptions, callback) => {
    resolve(hostname).then(
      (all) => {
        const family = lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : 0;
        const addresses = family === 0 ? all : all.filter((a) => a.family === family);
        const bad = options.allowPrivate ? undefined : addresses.find((a) => isForbiddenAddress(a.address));
        if (bad) {
          // The address stays out of the message: it lands in the tenant's delivery log, and a
          // tenant must not learn what the server's own resolver says about internal names.
          const error = new ForbiddenTargetError(
            `refused: ${hostname} resolves to a loopback, private or link-local address`,
          );
          return callback(error, "", 0);
        }
        const first = addresses[0];
        if (!first)
          return callback(
            Object.assign(new Error(`${hostname} does not resolve`), { code: "ENOTFOUND" }),
            "",
            0,
          );
        if (lookupOptions.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
        return callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 0),
    );
  };
}
