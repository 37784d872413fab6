#!/usr/bin/env node
// Thin launcher: the CLI is compiled and bundled into dist/bundle/ by `npm run build` (by `npm start`, `npm test` and `npm pack`).
import v8 from 'node:v8';

// A gateway's live heap is under 20 MB, but V8's defaults let the young generation grow to 32 MB
// and leave garbage in the old one: measured, a stdio gateway sat at 115 MB RSS, and at 78 MB with
// these two heuristics (npm run bench). They only change when and how much V8 collects, which is why
// they can be set now rather than on node's command line (the size limits cannot). Set
// MCP_WARDEN_V8_DEFAULTS=1 to run with V8's defaults instead.
if (process.env.MCP_WARDEN_V8_DEFAULTS !== '1') {
  v8.setFlagsFromString('--optimize-for-size');
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}

const { main } = await import('../dist/bundle/main.js');

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`mcp-warden: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
