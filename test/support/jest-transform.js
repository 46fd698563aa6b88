'use strict';
/**
 * Jest transform: our TypeScript through swc, and ES-module packages under node_modules
 * (NestJS 12 ships only ESM) compiled to CommonJS, since jest's module runtime cannot
 * require() ES modules on Node 20. CommonJS packages pass through untouched: compiling them
 * would add "use strict" to sloppy-mode code.
 */
const { createTransformer } = require('@swc/jest');
const swc = createTransformer();
const ESM_SYNTAX = /^\s*(import\s*[\w{*'"]|export\s+[\w{*]|export\s*\{)/m;

module.exports = {
  canInstrument: swc.canInstrument,
  getCacheKey(src, filename, options) {
    return `v2:${swc.getCacheKey(src, filename, options)}`;
  },
  process(src, filename, options) {
    if (filename.includes('/node_modules/')) {
      if (!ESM_SYNTAX.test(src)) return { code: src };
      // import.meta has no CommonJS equivalent in swc's output; these packages only use .url.
      src = src.replace(/\bimport\.meta\.url\b/g, "('file://' + encodeURI(__filename))");
    }
    return swc.process(src, filename, options);
  },
};
