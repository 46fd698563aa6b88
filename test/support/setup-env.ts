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
