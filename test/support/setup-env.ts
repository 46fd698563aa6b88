// Quiet logs in tests unless asked for; everything else comes from global-setup's variables.
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'error';
// No test reaches the internet: the default RSS feeds (Yahoo Finance, MarketWatch) are switched off.
process.env.NEWS_RSS_FEEDS = 'none';
