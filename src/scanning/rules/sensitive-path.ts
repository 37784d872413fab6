// sensitive-path: a description that names a secrets file — SSH keys, cloud and registry credentials,
// .env files, the MCP client configs that hold every server's tokens (Invariant Labs' example reads
// ~/.cursor/mcp.json and ~/.ssh/id_rsa). A tool has no reason to point the model at these; a server
// whose job is one of them (a kubeconfig manager) is the exception the operator turns the rule off for.
// Ordinary paths and directories, as server-filesystem's descriptions mention them, raise nothing.
import { firstPhrase, quoted, type Phrase, type Rule } from './rule.js';

// Boundaries: not inside a longer name ("process.env" is not ".env"; "my_id_rsa_note" still is id_rsa).
const B = String.raw`(?<![\w.-])`;
const E = String.raw`(?![\w-])`;

function path(pattern: string, means: string): Phrase {
  return { pattern: new RegExp(pattern), means };
}

export const SENSITIVE_PATHS: readonly Phrase[] = [
  path(String.raw`(?:~|\$home|%userprofile%|/home/[\w.-]+|/users/[\w.-]+|/root)?/\.ssh${E}|${B}\.ssh/`, 'SSH keys'),
  path(String.raw`(?<![a-z0-9])id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?(?:\.pub)?(?![a-z0-9])|${B}authorized_keys${E}`, 'SSH keys'),
  path(String.raw`${B}\.env(?:\.[a-z]+)?(?![\w-])`, 'a .env secrets file'),
  path(String.raw`\.aws/(?:credentials|config)${E}|${B}\.boto${E}`, 'cloud credentials'),
  path(String.raw`\.config/gcloud${E}|application_default_credentials\.json|\.azure/|${B}\.oci/config`, 'cloud credentials'),
  path(String.raw`(?:~/)?\.cursor/mcp\.json|${B}mcp\.json${E}|claude_desktop_config\.json|${B}\.claude(?:\.json)?(?:/|${E})|windsurf/mcp_config\.json|\.codeium/|\.vscode/mcp\.json|\.continue/config`, 'an MCP client config holding other servers\' tokens'),
  path(String.raw`/etc/(?:passwd|shadow|gshadow|sudoers|master\.passwd)${E}|/etc/ssh/`, 'system account files'),
  path(String.raw`${B}\.(?:npmrc|pypirc|netrc|git-credentials|pgpass|my\.cnf|vault-token|terraformrc|dockercfg)${E}|\.docker/config\.json|credentials\.tfrc\.json|\.config/gh/hosts\.yml`, 'registry or service credentials'),
  path(String.raw`\.kube/config${E}|(?<![a-z0-9])kubeconfig(?![a-z0-9])`, 'Kubernetes credentials'),
  path(String.raw`${B}\.gnupg${E}|${B}\.password-store${E}|(?<![a-z0-9])wallet\.dat${E}|\.mozilla/firefox|library/keychains`, 'keys, passwords or wallets'),
  path(String.raw`${B}\.(?:bash|zsh|sh|python|psql|mysql|node_repl)_history${E}|/proc/(?:self|\d+)/environ`, 'shell history or process environment'),
];

export const sensitivePath: Rule = {
  name: 'sensitive-path',
  roles: ['prose', 'value', 'parameter'],
  check(input) {
    const found = firstPhrase(input, SENSITIVE_PATHS, { instructions: false });
    if (!found) return undefined;
    return { message: `Points at ${found.phrase.means}: ${quoted(found.quote)}`, ...found.hit };
  },
};
