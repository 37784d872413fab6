// Top-level `sensitive_paths` guard reads and writes of every server: each server's
// `inspect.sensitivePaths` carries them after its own, with where each glob was written.
import { expect, test } from 'vitest';
import { failure, load } from './helpers.js';

test('top-level sensitive_paths reach every server, after the server’s own, with their sources', () => {
  const config = load(`
    sensitive_paths: ["secrets/**", /srv/keys/**]
    servers:
      fs:
        command: node
        kind: filesystem
        roots: [/data]
        inspect:
          sensitive_paths: [private/**]
      sh: { command: node, kind: shell }
      api: { url: https://example.com/mcp }
    agents:
      a: { working_dir: /elsewhere }
  `);
  expect(config.servers.fs?.inspect).toEqual({
    sensitivePaths: ['private/**', 'secrets/**', '/srv/keys/**'],
    sensitivePathSources: { 'private/**': 'gateway.yaml:8:25', 'secrets/**': 'gateway.yaml:1:19', '/srv/keys/**': 'gateway.yaml:1:33' },
  });
  expect(config.servers.sh?.inspect.sensitivePaths).toEqual(['secrets/**', '/srv/keys/**']);
  expect(config.servers.api?.inspect.sensitivePaths).toEqual(['secrets/**', '/srv/keys/**']);
  // The server as started for an agent (in its working_dir) keeps them.
  expect(config.serverFor('a', 'sh')?.inspect.sensitivePaths).toEqual(['secrets/**', '/srv/keys/**']);
});

test('without the key a server keeps only its own globs', () => {
  const config = load(`
    servers:
      sh: { command: node, kind: shell }
  `);
  expect(config.servers.sh?.inspect).toEqual({});
});

test('a bad glob in sensitive_paths is located', () => {
  expect(failure(`
    sensitive_paths: ["!secrets"]
  `).message).toMatch(/gateway\.yaml:1:\d+ sensitive_paths\[0\]/);
});
