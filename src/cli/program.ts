// The `mcp-warden` command line as a commander program: every command with its options, so each
// one's `--help` is its usage. A command's module is loaded only in its action: a gateway that serves
// for days keeps in memory only what serving needs, not the code of explain, test or approvals.
import { Command, CommanderError, type OptionValues } from 'commander';
import { VERSION } from '../version.js';
import type { Io } from './io.js';

/** A command's code: its parsed options and operands in, the exit code out. */
export type CommandRunner<O> = (options: O, io: Io, operands: string[]) => Promise<number>;

const DESCRIPTION = `mcp-warden ${VERSION}: an MCP gateway that enforces per-agent profiles`;

const EPILOGUE = `
Examples:
  mcp-warden serve --agent claude-code            stdio front for one agent
  mcp-warden serve --http 127.0.0.1:8787          HTTP front, agents identified by token
  mcp-warden explain --agent ci --tool fs/write_file --args '{"path": "a.txt"}'
  mcp-warden pin --check                          exit 1 when a server drifted from gateway.lock
  mcp-warden approvals list

The config is --config, else $MCP_WARDEN_CONFIG, else ./gateway.yaml; the environment is
--env, else $MCP_WARDEN_ENV, else default_environment.
Run "mcp-warden COMMAND --help" for the options of a command.`;

/**
 * The program for one run; its actions write through `io` and report their exit code to `setCode`.
 * Every parse error, `--help` and `--version` surfaces as a CommanderError (see main.ts).
 */
export function buildProgram(io: Io, setCode: (code: number) => void): Command {
  const program = new Command('mcp-warden')
    .description(DESCRIPTION)
    .version(VERSION, '-v, --version', 'print the version')
    .helpCommand('help [command]', 'print the usage of a command')
    .configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, '')),
      writeErr: (text) => io.err(text.replace(/\n$/, '')),
      outputError: (text, write) => write(oneLine(text)),
    })
    // Subcommands made after this inherit it: no process.exit inside commander, main() decides.
    .exitOverride();

  // Registering a command is one block: its usage, its options, and the module its action loads.
  const action = <O extends object>(load: () => Promise<CommandRunner<O>>) =>
    async function (this: Command) {
      // Commander's options are untyped; each command's interface names the ones registered here.
      const options: OptionValues = this.opts();
      setCode(await (await load())(options as O, io, this.args));
    };

  withConfig(program.command('serve'))
    .description('run the gateway: a stdio front for one agent (--agent), or an HTTP front for many (--http)')
    .option('--agent <name>', 'serve this agent over stdio')
    .option('--http <host:port>', 'serve every agent over HTTP, e.g. 127.0.0.1:8787 (agents are identified by token)')
    .option('--non-interactive', 'nobody can answer an ask: each becomes approval.non_interactive (default deny); the default with CI=true and no webhook channel')
    .option('--console-port <port>', 'port of the approval console of a stdio gateway (default $MCP_WARDEN_CONSOLE_PORT, else 8788)')
    .option('--state-dir <dir>', 'where approval tickets and the console address are kept (default $MCP_WARDEN_STATE_DIR)')
    // The stderr log (docs/logging.md).
    .option('--quiet', 'log warnings and errors only (same as --log-level warn)')
    .option('--log-level <level>', 'trace, debug, info, warn, error or silent (default $MCP_WARDEN_LOG_LEVEL, else info)')
    .option('--log-format <format>', 'pretty or json (default: pretty when stderr is a terminal, else json lines)')
    .option('--metrics <host:port>', 'serve Prometheus metrics at http://HOST:PORT/metrics, a port of their own (off by default; metrics.token in gateway.yaml to require a token)')
    .action(action(async () => (await import('./serve.js')).runServe));

  withConfig(program.command('check'))
    .description('validate the config: errors as FILE:LINE:COL, exit 1; rules that name no server are warnings')
    .option('--strict', 'fail (exit 1) on warnings too')
    .action(action(async () => (await import('./check.js')).runCheck));

  withConfig(program.command('explain'))
    .description('the decision a call, resource read or prompt would get, with every reason and where its rule is written')
    .option('--agent <name>', 'the agent making the call (required)')
    .option('--tool <server/tool>', 'the tool called')
    .option('--args <json>', 'the call\'s arguments, a JSON object')
    .option('--resource <uri>', 'a resource read (with --server)')
    .option('--server <name>', 'the server of --resource')
    .option('--prompt <server/name>', 'a prompt get')
    .option('--lockfile <file>', 'the lockfile whose pin of --tool is shown (default gateway.lock beside the config)')
    .option('--json', 'print one JSON object: decision, reasons and, for --tool, pin')
    .action(action(async () => (await import('./explain.js')).runExplain));

  withConfig(program.command('profile'))
    .description('the merged profile of an agent, each rule and setting with where it is written')
    .option('--agent <name>', 'the agent (required)')
    .option('--json', 'print JSON')
    .action(action(async () => (await import('./profile.js')).runProfile));

  withConfig(program.command('tools'))
    .description('connect to the upstreams as the agent would and list which tools it sees, which ask and which are hidden')
    .option('--agent <name>', 'the agent (required)')
    .option('--json', 'print JSON')
    .option('--scan', 'instead, scan every server\'s tools, prompts, templates and instructions for poisoning; exit 1 on a finding')
    .action(action(async () => (await import('./tools.js')).runTools));

  withConfig(program.command('pin'))
    .description('start every upstream and pin what it shows the model (tools, prompts, resource templates, instructions) in gateway.lock, printing what was added, changed (with the diff) and removed; --check writes nothing and exits 1 on any drift')
    .option('--check', 'write nothing; exit 1 when a server drifted from the lockfile, it is missing, or a server cannot be listed (for CI)')
    .option('--lockfile <file>', 'the lockfile (default gateway.lock beside the config)')
    .option('--server <name...>', 'only these servers (the lockfile keeps the others)')
    .option('--json', 'print JSON')
    .action(action(async () => (await import('./pin.js')).runPin));

  withConfig(program.command('test'))
    .description('policy tests: calls and the decision (and optionally the rule or layer) each must get; exit 1 on a mismatch')
    .argument('<tests.yaml>', 'the policy tests file')
    .action(action(async () => (await import('./test-command.js')).runPolicyTests));

  const approvals = program.command('approvals').description('list and answer approval tickets of every gateway this user runs');
  withStateDir(approvals.command('list'))
    .description('pending tickets, orphaned ones, and recent decisions')
    .option('--json', 'print JSON')
    .action(action(async () => (await import('./approvals.js')).runApprovalsList));
  withStateDir(approvals.command('approve'))
    .description('approve a ticket (a unique prefix of 4+ characters is enough)')
    .argument('[id]', 'the ticket id')
    .option('--remember', 'also allow identical calls for the rest of the session')
    .option('--trust', 'for a tool whose definition changed or was flagged: make this definition its pin (then run "mcp-warden pin")')
    .option('--json', 'print the ticket as JSON')
    .action(action(async () => (await import('./approvals.js')).runApprovalsApprove));
  withStateDir(approvals.command('deny'))
    .description('deny a ticket; the reason reaches the agent and the audit')
    .argument('[id]', 'the ticket id')
    .option('--reason <text>', 'why, for the agent and the audit')
    .option('--json', 'print the ticket as JSON')
    .action(action(async () => (await import('./approvals.js')).runApprovalsDeny));

  program
    .command('status')
    .description('the gateways this user runs (stdio and HTTP) with their approval console links, the calls waiting for approval, and the state of every upstream')
    .option('--json', 'print JSON')
    .option('--state-dir <dir>', 'the state directory the gateways share (default $MCP_WARDEN_STATE_DIR, else ~/.mcp-warden)')
    .option('--config <file>', 'a gateway.yaml whose store is postgres: every replica on that store and its sessions (default $MCP_WARDEN_CONFIG)')
    .action(action(async () => (await import('./status.js')).runStatus));

  program
    .command('init')
    .description('write a gateway.yaml fronting the MCP servers your clients already have: secrets become ${VAR} references, one agent per client where reads run and writes ask a human')
    .option('--from <client>', 'read only this client: claude-code, opencode, claude-desktop, cursor, vscode or all (default all)')
    .option('--config <file>', 'where to write (default $MCP_WARDEN_CONFIG, else ./gateway.yaml)')
    .option('--force', 'replace an existing file')
    .action(action(async () => (await import('./init.js')).runInit));

  program
    .command('connect')
    .description("make the gateway the client's only route to the servers init imported: their entries leave the client's config (backed up beside it), the gateway's entry and permission rules go in")
    .argument('[client]', 'claude-code or opencode')
    .option('--scope <scope>', 'project (.mcp.json / ./opencode.json, the default) or user (~/.claude.json / ~/.config/opencode)')
    .option('--http <url>', 'connect to a gateway served with `serve --http` (entry "warden", with the agent\'s token as a variable)')
    .option('--stdio', 'the client starts its own gateway (entry "warden-stdio"; the default)')
    .option('--config <file>', 'the gateway.yaml (default $MCP_WARDEN_CONFIG, else ./gateway.yaml)')
    .action(action(async () => (await import('./connect.js')).runConnect));

  program
    .command('disconnect')
    .description('restore every file connect changed for the client from its newest backup')
    .argument('[client]', 'claude-code or opencode')
    .action(action(async () => (await import('./connect.js')).runDisconnect));

  program
    .command('audit')
    .description('the audit log (--file, else audit.path of the config) as a table, or as JSONL; lines that are not records are reported with their line number (exit 1)')
    .option('--config <file>', 'the gateway config whose audit.path to read (default $MCP_WARDEN_CONFIG, else ./gateway.yaml)')
    .option('--file <file>', 'the audit log to read')
    .option('-f, --follow', 'keep printing records as they are appended (waits for the file); Ctrl-C stops')
    .option('--agent <name>', "only this agent's records")
    .option('--tool <glob>', 'only tools matching the glob over server/tool, e.g. "fs/*" or "*/delete*"')
    .option('--decision <decision>', 'only records with this decision: allow, ask or deny')
    .option('--since <time>', 'an ISO time, or a duration back from now: 30s, 10m, 2h, 1d')
    .option('--json', 'print the records as JSONL')
    .action(action(async () => (await import('./audit.js')).runAudit));

  program
    .command('report')
    .description('the audit log as a Markdown summary (counts, every denial and ask with its rule, who answered); to --output, else appended to $GITHUB_STEP_SUMMARY when set, else printed; exit 0 whatever the log holds')
    .argument('[log]', 'the audit log (or --file)')
    .option('--config <file>', 'the gateway config whose audit.path to read (default $MCP_WARDEN_CONFIG, else ./gateway.yaml)')
    .option('--file <file>', 'the audit log to read')
    .option('--output <file>', 'write the report to this file')
    .action(action(async () => (await import('./report.js')).runReport));

  program.addHelpText('after', EPILOGUE);
  return program;
}

/** `--config` and `--env`, for the commands that read the gateway config. */
function withConfig(command: Command): Command {
  return command
    .option('--config <file>', 'the gateway config (default $MCP_WARDEN_CONFIG, else ./gateway.yaml)')
    .option('--env <name>', 'the environment (default $MCP_WARDEN_ENV, else default_environment)');
}

function withStateDir(command: Command): Command {
  return command
    .option('--state-dir <dir>', 'where the tickets are kept (default $MCP_WARDEN_STATE_DIR)')
    .option('--config <file>', 'a gateway config whose store is postgres: answer the tickets kept there (default $MCP_WARDEN_CONFIG)');
}

/** Commander's `error: unknown option '--x'\n(Did you mean --y?)` as our one line. */
function oneLine(text: string): string {
  const message = text
    .trim()
    .replace(/^error: /, '')
    .replace(/\n\(Did you mean (.*)\?\)$/, '; did you mean $1?')
    .replace(/\s*\n\s*/g, ' ');
  return `mcp-warden: ${message.charAt(0).toUpperCase()}${message.slice(1)}`;
}

/** The exit code a CommanderError stands for: 0 for --help and --version, 1 for a usage error. */
export function commanderExitCode(error: unknown): number | undefined {
  if (!(error instanceof CommanderError)) return undefined;
  return error.exitCode === 0 ? 0 : 1;
}
