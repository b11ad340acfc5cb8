#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on load so `npx snaq` always runs the current source.
require('tsx/cjs');
require('../src/cli/main.ts')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
