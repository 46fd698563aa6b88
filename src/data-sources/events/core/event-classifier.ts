/**
 * Material-event detection, pure: from a filing's 8-K item codes and from headline/summary text.
 * No framework imports (DESIGN.md: core code is plain TypeScript).
 */
export const EVENT_KINDS = ['earnings', 'guidance', 'merger_acquisition', 'fda', 'legal', 'bankruptcy', 'executive_departure', 'material_agreement'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface DetectedEvent {
  readonly kind: EventKind;
  /** What triggered it: the 8-K item ("8-K item 1.03 Bankruptcy or Receivership") or the matched phrase. */
  readonly reason: string;
}

/**
 * The Form 8-K items that are material events, with SEC's titles (SEC, Form 8-K General
 * Instructions, "Items to be included in reports", https://www.sec.gov/files/form8-k.pdf;
 * also "Form 8-K" in EDGAR's submissions `items` field, e.g. "2.02,9.01").
 * 9.01 (Financial Statements and Exhibits), 7.01 (Regulation FD) and 8.01 (Other Events) say
 * nothing by themselves and are left out.
 */
export const FORM_8K_ITEMS: Readonly<Record<string, { readonly title: string; readonly kind: EventKind }>> = {
  '1.01': { title: 'Entry into a Material Definitive Agreement', kind: 'material_agreement' },
  '1.02': { title: 'Termination of a Material Definitive Agreement', kind: 'material_agreement' },
  '1.03': { title: 'Bankruptcy or Receivership', kind: 'bankruptcy' },
  '2.01': { title: 'Completion of Acquisition or Disposition of Assets', kind: 'merger_acquisition' },
  '2.02': { title: 'Results of Operations and Financial Condition', kind: 'earnings' },
  '5.01': { title: 'Changes in Control of Registrant', kind: 'merger_acquisition' },
  '5.02': {
    title: 'Departure of Directors or Certain Officers; Election of Directors; Appointment of Certain Officers; Compensatory Arrangements of Certain Officers',
    kind: 'executive_departure',
  },
};

/** Events of an 8-K (or 8-K/A) from its item codes; one per kind (1.01 and 1.02 are one agreement event). */
export function eventsFromItems(form: string, items: readonly string[]): DetectedEvent[] {
  if (!/^8-K(\/A)?$/.test(form)) return [];
  const out = new Map<EventKind, DetectedEvent>();
  for (const code of items) {
    const item = FORM_8K_ITEMS[code];
    if (item && !out.has(item.kind)) out.set(item.kind, { kind: item.kind, reason: `8-K item ${code} ${item.title}` });
  }
  return [...out.values()];
}

/**
 * Phrase rules for text (headlines, summaries, transcripts). Each kind needs a phrase that
 * names the event, not a word that merely occurs near it ("bankrupt" alone also matches
 * commentary like "not bankrupt"; a negation just before the phrase cancels it).
 */
const TEXT_RULES: readonly { readonly kind: EventKind; readonly pattern: RegExp }[] = [
  { kind: 'bankruptcy', pattern: /\b(files? for (chapter (7|11)|bankruptcy)|filed for (chapter (7|11)|bankruptcy)|chapter (7|11) (bankruptcy|protection|filing)|bankruptcy (filing|protection|petition)|receivership|insolven(t|cy))\b/i },
  { kind: 'merger_acquisition', pattern: /\b(to acquire|acquires|acquired by|acquisition of|agrees? to buy|merger (agreement|with)|to merge with|takeover (bid|offer)|tender offer|buyout)\b/i },
  { kind: 'fda', pattern: /\b(fda (approv\w*|approval|clears|clearance|rejects?|declines?|accepts?)|complete response letter|pdufa|breakthrough therapy designation|(approved|rejected) by the fda|fda advisory committee)\b/i },
  { kind: 'legal', pattern: /\b(lawsuit|class action|sued by|sues|files? suit|indicted|indictment|subpoena|sec (investigation|probe|charges)|doj (investigation|probe)|(under|opens?|launch(es)?) (an )?(investigation|probe)|antitrust (suit|probe|investigation)|settles? (charges|lawsuit|claims))\b/i },
  { kind: 'executive_departure', pattern: /\b((ceo|cfo|coo|chief executive|chief financial officer|chief operating officer|president|chairman)\b[^.]{0,40}\b(resigns?|steps? down|to step down|departs?|retires?|to retire|ousted|fired|leaves?|to leave))\b/i },
  { kind: 'guidance', pattern: /\b((raises?|lowers?|cuts?|boosts?|reaffirms?|withdraws?|suspends?|updates?|reiterates?) (its |full[- ]year |annual |fy\d* |quarterly )*(guidance|outlook|forecast)|guidance (raised|lowered|cut|withdrawn))\b/i },
  { kind: 'earnings', pattern: /\b((first|second|third|fourth|q[1-4])[- ]quarter (results|earnings)|quarterly (results|earnings)|earnings (beat|miss|report|call)|reports? (q[1-4] |quarterly |fiscal |full[- ]year )*(results|earnings)|(beats?|misses?|tops?) (estimates|expectations)|eps of)\b/i },
];

const NEGATION = /\b(no|not|denies|denied|rules? out|without|avoids?|avoided)\b[^.]{0,20}$/i;

/** Events a text names; one per kind, at most one reason each. */
export function eventsFromText(text: string): DetectedEvent[] {
  const out: DetectedEvent[] = [];
  for (const rule of TEXT_RULES) {
    const m = rule.pattern.exec(text);
    if (!m) continue;
    if (NEGATION.test(text.slice(Math.max(0, m.index - 30), m.index))) continue;
    out.push({ kind: rule.kind, reason: `text: "${m[0]}"` });
  }
  return out;
}

/** Severity of an alert for an event: what can wipe out a holding is critical; what moves a price, warning. */
export function severityOf(kind: EventKind): 'info' | 'warning' | 'critical' {
  switch (kind) {
    case 'bankruptcy':
      return 'critical';
    case 'merger_acquisition':
    case 'fda':
    case 'legal':
    case 'executive_departure':
    case 'guidance':
      return 'warning';
    case 'earnings':
    case 'material_agreement':
      return 'info';
  }
}
