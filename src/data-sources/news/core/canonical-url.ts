/**
 * The URL a story is known by whatever link led to it, so one story reached through two providers
 * (or twice through one) is stored once: lower-case scheme and host (URL does it), no default port,
 * no fragment, no tracking parameters (utm_*, and the click ids and referrer tags of the big
 * platforms and newsletters), the remaining parameters sorted, no trailing slash on the path.
 */
const TRACKING = new Set(['fbclid', 'gclid', 'dclid', 'msclkid', 'mc_cid', 'mc_eid', 'igshid', 'yclid', 'ref', 'ref_src', 'cmpid', 'ncid', 'guccounter', 'guce_referrer', 'guce_referrer_sig', 'soc_src', 'soc_trk', 'mod', 'siteid', 'cid']);

export function canonicalUrl(raw: string): string {
  const u = new URL(raw.trim());
  u.hash = '';
  if ((u.protocol === 'http:' && u.port === '80') || (u.protocol === 'https:' && u.port === '443')) u.port = '';
  u.hostname = u.hostname.toLowerCase();
  const kept = [...u.searchParams.entries()].filter(([k]) => !k.toLowerCase().startsWith('utm_') && !TRACKING.has(k.toLowerCase()));
  kept.sort(([a, av], [b, bv]) => (a === b ? av.localeCompare(bv) : a.localeCompare(b)));
  u.search = '';
  for (const [k, v] of kept) u.searchParams.append(k, v);
  if (u.pathname.length > 1) u.pathname = u.pathname.replace(/\/+$/, '');
  let s = u.toString();
  // URL keeps a bare "/" path on an origin; "https://x.com/" and "https://x.com" are one page.
  if (u.pathname === '/' && u.search === '') s = s.replace(/\/$/, '');
  return s;
}
