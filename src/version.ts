// The version announced to agents and printed by the CLI.
export const VERSION = '0.1.0';
