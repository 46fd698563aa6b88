/** The paper broker's pure core: matching, costs, the session close, the account ledger. */
export { matchOrder, isExpired, type MarketUpdate, type BarUpdate, type QuoteUpdate, type MatchableOrder, type MatchParams, type MatchDecision, type MatchFill } from './paper-matching';
export { fillCost, PRICE_DECIMALS, type FillCost, type FillCostInput } from './paper-costs';
export { nextSessionClose } from './session-close';
export { PaperLedger, type LedgerFill, type LedgerPosition } from './paper-ledger';
