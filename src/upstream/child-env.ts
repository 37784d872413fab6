// The environment a stdio upstream starts with: a few harmless variables from our own
// environment, never the whole of it, so secrets in the gateway's env do not leak to tool servers.

/** The only parent variables a child inherits ("a minimal inherited environment", README "Security notes"). */
export const INHERITED_ENV_NAMES = ['PATH', 'HOME', 'USER', 'LANG', 'TERM', 'SHELL'] as const;

/** Builds a child's environment: inherited names that are set, then the server's env, then the extra env (later wins). */
export function buildChildEnv(
  serverEnv: Record<string, string> = {},
  extraEnv: Record<string, string> = {},
  parentEnv: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED_ENV_NAMES) {
    const value = parentEnv[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...serverEnv, ...extraEnv };
}
