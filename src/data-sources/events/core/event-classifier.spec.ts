import { eventsFromItems, eventsFromText, severityOf } from './event-classifier';

describe('event classifier', () => {
  it('maps 8-K item codes to event kinds, one per kind, and ignores exhibit-only items and other forms', () => {
    expect(eventsFromItems('8-K', ['1.03', '9.01']).map((e) => e.kind)).toEqual(['bankruptcy']);
    expect(eventsFromItems('8-K', ['1.03'])[0].reason).toBe('8-K item 1.03 Bankruptcy or Receivership');
    expect(eventsFromItems('8-K', ['2.02', '9.01']).map((e) => e.kind)).toEqual(['earnings']);
    expect(eventsFromItems('8-K/A', ['1.01', '1.02', '5.02']).map((e) => e.kind)).toEqual(['material_agreement', 'executive_departure']);
    expect(eventsFromItems('8-K', ['2.01']).map((e) => e.kind)).toEqual(['merger_acquisition']);
    expect(eventsFromItems('8-K', ['7.01', '8.01', '9.01'])).toEqual([]);
    expect(eventsFromItems('10-Q', ['2.02'])).toEqual([]);
  });

  it.each([
    ['Acme Corp files for Chapter 11 bankruptcy protection', 'bankruptcy'],
    ['MegaSoft to acquire Tiny Games for $2 billion', 'merger_acquisition'],
    ['FDA approves BioCo drug for lung cancer', 'fda'],
    ['BioCo receives complete response letter for its lead candidate', 'fda'],
    ['Shareholders file class action against WidgetCo', 'legal'],
    ['SEC investigation into accounting at WidgetCo', 'legal'],
    ['WidgetCo CEO Jane Doe resigns effective immediately', 'executive_departure'],
    ['WidgetCo raises full-year guidance after strong demand', 'guidance'],
    ['WidgetCo reports fourth-quarter results', 'earnings'],
  ])('%s → %s', (text, kind) => {
    expect(eventsFromText(text).map((e) => e.kind)).toContain(kind);
  });

  it('finds nothing in ordinary text and respects a negation just before the phrase', () => {
    expect(eventsFromText('Shares rose 2% in a quiet session')).toEqual([]);
    expect(eventsFromText('The company said it has no plans to file for bankruptcy protection')).toEqual([]);
    expect(eventsFromText('Management denied any takeover bid')).toEqual([]);
  });

  it('grades severity: bankruptcy critical, guidance warning, earnings info', () => {
    expect(severityOf('bankruptcy')).toBe('critical');
    expect(severityOf('guidance')).toBe('warning');
    expect(severityOf('earnings')).toBe('info');
  });
});
