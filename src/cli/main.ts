// `mcp-warden` entry point: parses the command, runs it, and turns our errors into one clear message
// and an exit code. Never prints a stack trace for a user's mistake.
import { formatIssues, isWardenError } from '../errors.js';
import { VERSION } from '../version.js';
import type { Io } from './io.js';
import { processIo } from './io.js';

const USAGE = `mcp-warden ${VERSION}: an MCP gateway that enforces per-agent profiles

Usage:
  mcp-warden serve    [--config F] [--env E] --agent NAME            stdio front for one agent
  mcp-warden serve    [--config F] [--env E] --http 127.0.0.1:8787   HTTP front, agents identified by token
  mcp-warden check    [--config F]                                   validate the config
  mcp-warden explain  [--config F] [--env E] --agent NAME --tool server/tool [--args JSON] [--json]
  mcp-warden explain  [--config F] [--env E] --agent NAME --resource URI --server S | --prompt server/name [--json]
  mcp-warden profile  [--config F] [--env E] --agent NAME [--json]   the merged profile with sources
  mcp-warden tools    [--config F] [--env E] --agent NAME [--json]   connect, list tools with decisions
  mcp-warden test     [--config F] TESTS.yaml                        policy tests; exit 1 on a mismatch
  mcp-warden approvals list | approve ID [--remember] | deny ID [--reason TEXT]
  mcp-warden init     [--from claude-code|opencode|claude-desktop|cursor|vscode|all] [--config F] [--force]
                                                                     write a gateway.yaml fronting the servers you have
  mcp-warden connect  claude-code|opencode [--scope project|user] [--http URL | --stdio] [--config F]
                                                                     make the gateway the client's only route to them
  mcp-warden disconnect claude-code|opencode                         restore the client's config from its backups
  mcp-warden audit    [--file F] [--follow] [--agent A] [--tool GLOB] [--decision D] [--since T] [--json]
  mcp-warden report   [--file F] [--output F]                        Markdown summary; to $GITHUB_STEP_SUMMARY when set

The config is --config, else $MCP_WARDEN_CONFIG, else ./gateway.yaml; the environment is --env,
else $MCP_WARDEN_ENV, else default_environment.`;

type Command = (args: string[], io: Io) => Promise<number>;

// Each command's module is loaded when it runs: a gateway that serves for days keeps in memory only
// what serving needs, not the code of explain, test or the approvals CLI.
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./serve.js')).runServe,
  check: async () => (await import('./check.js')).runCheck,
  explain: async () => (await import('./explain.js')).runExplain,
  profile: async () => (await import('./profile.js')).runProfile,
  tools: async () => (await import('./tools.js')).runTools,
  test: async () => (await import('./test-command.js')).runPolicyTests,
  approvals: async () => (await import('./approvals.js')).runApprovals,
  init: async () => (await import('./init.js')).runInit,
  connect: async () => (await import('./connect.js')).runConnect,
  disconnect: async () => (await import('./connect.js')).runDisconnect,
  audit: async () => (await import('./audit.js')).runAudit,
  report: async () => (await import('./report.js')).runReport,
};

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return command ? 0 : 1;
  }
  if (command === '--version' || command === '-v') {
    io.out(VERSION);
    return 0;
  }
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!load) {
    io.err(`mcp-warden: unknown command "${command}"\n\n${USAGE}`);
    return 1;
  }
  try {
    return await (await load())(rest, io);
  } catch (error) {
    io.err(describeFailure(error));
    return 1;
  }
}

/** One message for the person at the terminal; a stack only for bugs of ours. */
export function describeFailure(error: unknown): string {
  if (isWardenError(error)) {
    return error.code === 'CONFIG_INVALID' && error.issues.length > 0 ? formatIssues(error.issues) : `mcp-warden: ${error.message}`;
  }
  if (error instanceof Error && error.name === 'TypeError' && /parseArgs|ERR_PARSE_ARGS/.test(String((error as { code?: string }).code))) {
    return `mcp-warden: ${error.message}`;
  }
  return `mcp-warden: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}
