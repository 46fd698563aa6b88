import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { AddressClass } from '../../config/app-config';
import { PermanentDeliveryError } from './alert-channel';

/**
 * Where alerts may be sent (SSRF guard for webhook and SMTP targets). A host is resolved and
 * EVERY address it resolves to is checked, so a name with one public and one private address is
 * refused. Loopback, private (RFC 1918, RFC 4193 unique-local, RFC 6598 shared, and the
 * unspecified address) and link-local (169.254/16, fe80::/10, cloud metadata lives there) are
 * refused unless their class is allowed in ALERTS_ALLOW_ADDRESSES.
 */
const CLASSES: Readonly<Record<AddressClass, BlockList>> = (() => {
  const loopback = new BlockList();
  loopback.addSubnet('127.0.0.0', 8, 'ipv4');
  loopback.addAddress('::1', 'ipv6');
  const priv = new BlockList();
  priv.addSubnet('10.0.0.0', 8, 'ipv4');
  priv.addSubnet('172.16.0.0', 12, 'ipv4');
  priv.addSubnet('192.168.0.0', 16, 'ipv4');
  priv.addSubnet('100.64.0.0', 10, 'ipv4');
  priv.addSubnet('0.0.0.0', 8, 'ipv4');
  priv.addSubnet('fc00::', 7, 'ipv6');
  priv.addAddress('::', 'ipv6');
  const linkLocal = new BlockList();
  linkLocal.addSubnet('169.254.0.0', 16, 'ipv4');
  linkLocal.addSubnet('fe80::', 10, 'ipv6');
  return { loopback, private: priv, 'link-local': linkLocal };
})();

/** The restricted class of an IP address, or null for a public one. IPv4-mapped IPv6 is checked as IPv4. */
export function addressClass(address: string): AddressClass | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ip = mapped ? mapped[1] : address;
  const family = isIP(ip) === 4 ? 'ipv4' : 'ipv6';
  for (const [name, list] of Object.entries(CLASSES) as [AddressClass, BlockList][]) {
    if (list.check(ip, family)) return name;
  }
  return null;
}

export type HostResolver = (host: string) => Promise<readonly string[]>;

export const dnsResolver: HostResolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Resolves `host` and throws PermanentDeliveryError naming the first refused address. Returns
 * the addresses (for logging).
 */
export async function assertAllowedHost(host: string, allowed: readonly AddressClass[], resolve: HostResolver = dnsResolver): Promise<readonly string[]> {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  let addresses: readonly string[];
  if (isIP(bare)) addresses = [bare];
  else {
    try {
      addresses = await resolve(bare);
    } catch (err) {
      throw new Error(`cannot resolve ${bare}: ${(err as Error).message}`, { cause: err });
    }
  }
  if (!addresses.length) throw new Error(`${bare} resolves to no address`);
  for (const a of addresses) {
    const cls = addressClass(a);
    if (cls !== null && !allowed.includes(cls)) {
      throw new PermanentDeliveryError(`target ${bare} resolves to ${a}, a ${cls} address (allow it with ALERTS_ALLOW_ADDRESSES=${cls})`);
    }
  }
  return addresses;
}

/** The shape check of a webhook URL: https (or http when allowed), a host, no credentials. */
export function webhookUrlIssue(raw: string, allowInsecure: boolean): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'must be a URL';
  }
  if (u.protocol !== 'https:' && !(allowInsecure && u.protocol === 'http:')) {
    return allowInsecure ? 'must be an http(s) URL' : 'must be an https URL (http needs ALERTS_ALLOW_INSECURE_WEBHOOKS)';
  }
  if (u.username || u.password) return 'must not carry credentials';
  if (!u.hostname) return 'must name a host';
  return null;
}
