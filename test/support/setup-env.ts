// Quiet logs in tests unless asked for; everything else comes from global-setup's variables.
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'error';
// No test reaches the internet: the default RSS feeds (Yahoo Finance, MarketWatch) are switched off.
process.env.NEWS_RSS_FEEDS = 'none';

// Social providers: no test reaches the real StockTwits, Reddit or X, whatever else it sets
// (the specs that run them point these at their local servers).
process.env.STOCKTWITS_URL = 'http://127.0.0.1:9';
process.env.REDDIT_AUTH_URL = 'http://127.0.0.1:9';
process.env.REDDIT_API_URL = 'http://127.0.0.1:9';
process.env.X_API_URL = 'http://127.0.0.1:9';

// SEC EDGAR: never the real sec.gov in tests (the filings specs point these at their local server).
process.env.SEC_URL = 'http://127.0.0.1:9';
process.env.SEC_DATA_URL = 'http://127.0.0.1:9';
// Alpha Vantage (transcripts): never the real API in tests.
process.env.ALPHA_VANTAGE_URL = 'http://127.0.0.1:9';
process.env.FINRA_URL = 'http://127.0.0.1:9';
// Reddit listings uncached: specs post and re-read within a second (test/news-reddit.spec.ts turns it on).
process.env.REDDIT_CACHE_TTL_MS = '0';
