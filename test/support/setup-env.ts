// Quiet logs in tests unless asked for; everything else comes from global-setup's variables.
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'error';
