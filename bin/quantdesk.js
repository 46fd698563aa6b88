#!/usr/bin/env node
'use strict';
// The CLI runs from the compiled checkout (`npm ci` builds it through the prepare script).
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'src', 'cli.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('quantdesk: not built yet; run `npm run build` (npm ci does it) first\n');
  process.exit(1);
}
require(entry);
