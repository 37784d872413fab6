// The version announced to agents and printed by the CLI, read from package.json so the two cannot
// drift: tsx reads the file, and esbuild inlines it into the bundle at build time.
import packageJson from '../package.json' with { type: 'json' };

export const VERSION: string = packageJson.version;
