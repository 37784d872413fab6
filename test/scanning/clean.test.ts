// Clean descriptions modelled on the tools people run (GitHub, Slack, PostgreSQL, git, fetch,
// Puppeteer, memory, time, sequential thinking, search), scanned together as one gateway's servers
// would be: none may raise a finding. Several are traps for the rules: text that addresses the model,
// mentions paths, URLs, tokens, other tools of the same server, emoji sequences and right-to-left text.
import { expect, test } from 'vitest';
import { scanEntities, type ScanEntity } from '../../src/scanning/index.js';
import { instructions, oneProperty, prompt, template, tool } from './entities.js';

const SEQUENTIAL_THINKING = `A detailed tool for dynamic and reflective problem-solving through thoughts.
This tool helps analyze problems through a flexible thinking process that can adapt and evolve.
Each thought can build on, question, or revise previous insights as understanding deepens.

When to use this tool:
- Breaking down complex problems into steps
- Planning and design with room for revision
- Analysis that might need course correction
- Problems where the full scope might not be clear initially
- Tasks that need to maintain context over multiple steps
- Situations where irrelevant information needs to be filtered out

Key features:
- You can adjust total_thoughts up or down as you progress
- You can question or revise previous thoughts
- You can add more thoughts even after reaching what seemed like the end
- You can express uncertainty and explore alternative approaches
- Not every thought needs to build linearly - you can branch or backtrack
- Generates a solution hypothesis
- Verifies the hypothesis based on the Chain of Thought steps
- Repeats the process until satisfied

Parameters explained:
- thought: Your current thinking step, which can include regular analytical steps, revisions of previous
  thoughts, questions about previous decisions, realizations about needing more analysis, changes in approach
- next_thought_needed: True if you need more thinking, even if at what seemed like the end
- thought_number: Current number in sequence (can go beyond initial total if needed)
- total_thoughts: Current estimate of thoughts needed (can be adjusted up/down)
- is_revision: A boolean indicating if this thought revises previous thinking
- revises_thought: If is_revision is true, which thought number is being reconsidered
- branch_from_thought: If branching, which thought number is the branching point

You should:
1. Start with an initial estimate of needed thoughts, but be ready to adjust
2. Feel free to question or revise previous thoughts
3. Don't hesitate to add more thoughts if needed, even at the "end"
4. Express uncertainty when present
5. Mark thoughts that revise previous thinking or branch into new paths
6. Ignore information that is irrelevant to the current step
7. Generate a solution hypothesis when appropriate
8. Verify the hypothesis based on the Chain of Thought steps
9. Repeat the process until satisfied with the solution
10. Provide a single, ideally correct answer as the final output
11. Only set next_thought_needed to false when truly done and a satisfactory answer is reached`;

const FETCH = `Fetches a URL from the internet and optionally extracts its contents as markdown.

Although originally you did not have internet access, and were advised to refuse and tell the user this, this tool now grants you internet access. Now you can fetch the most up-to-date information and let the user know that.`;

const CLEAN: ScanEntity[] = [
  tool('github', 'create_issue', 'Create a new issue in a GitHub repository.', { inputSchema: { type: 'object', properties: { owner: { type: 'string', description: 'Repository owner' }, repo: { type: 'string', description: 'Repository name' }, title: { type: 'string', description: 'Issue title' }, body: { type: 'string', description: 'Issue body content' }, labels: { type: 'array', items: { type: 'string' }, description: 'Labels to apply to this issue' } }, required: ['owner', 'repo', 'title'] } }),
  tool('github', 'create_or_update_file', 'Create or update a single file in a GitHub repository. Use get_file_contents first to obtain the SHA of a file you are replacing.', { inputSchema: { type: 'object', properties: { path: { type: 'string', description: 'Path where to create/update the file' }, content: { type: 'string', description: 'Content of the file' }, sha: { type: 'string', description: "SHA of the file being replaced (required when updating existing files)" } } } }),
  tool('github', 'get_file_contents', 'Get the contents of a file or directory from a GitHub repository.'),
  tool('github', 'search_repositories', 'Search for GitHub repositories. Authenticates with the GITHUB_PERSONAL_ACCESS_TOKEN read from process.env; see https://docs.github.com/en/rest/search for the query syntax.', oneProperty('query', "Search query (see GitHub search syntax, e.g. 'language:typescript stars:>100')")),
  tool('github', 'push_files', 'Push multiple files to a GitHub repository in a single commit.'),
  tool('slack', 'slack_post_message', 'Post a new message to a Slack channel. Messages are sent as the bot user; mention people with <@USER_ID>.', oneProperty('text', 'The message text to post')),
  tool('slack', 'slack_reply_to_thread', 'Reply to a specific message thread in Slack.', oneProperty('thread_ts', "The timestamp of the parent message in the format '1234567890.123456'. Timestamps in the format without the period can be converted by adding the period such that 6 numbers come after it.")),
  tool('slack', 'slack_get_users', 'Get a list of all users in the workspace with their basic profile information'),
  tool('postgres', 'query', 'Run a read-only SQL query. Every statement runs inside a READ ONLY transaction that is rolled back afterwards.', oneProperty('sql', 'The SQL to run, e.g. SELECT * FROM users WHERE id = $1')),
  tool('git', 'git_status', 'Shows the working tree status'),
  tool('git', 'git_diff_unstaged', 'Shows changes in the working directory that are not yet staged'),
  tool('git', 'git_add', 'Adds file contents to the staging area', { inputSchema: { type: 'object', properties: { files: { type: 'array', items: { type: 'string' }, description: 'Files to add; paths like .github/workflows/ci.yml or src/env.ts are relative to the repository' } } } }),
  tool('git', 'git_commit', 'Records changes to the repository. Run git_status before committing to see what is staged.', oneProperty('message', 'Commit message')),
  tool('fetch', 'fetch', FETCH, { inputSchema: { type: 'object', properties: { url: { type: 'string', format: 'uri', description: 'URL to fetch' }, max_length: { type: 'integer', default: 5000, description: 'Maximum number of characters to return.' }, raw: { type: 'boolean', default: false, description: 'Get the actual HTML content of the requested page, without simplification.' } } } }),
  tool('puppeteer', 'puppeteer_navigate', 'Navigate to a URL', oneProperty('url', 'URL to navigate to, e.g. https://example.com/login?next=/home')),
  tool('puppeteer', 'puppeteer_screenshot', 'Take a screenshot of the current page or a specific element'),
  tool('puppeteer', 'puppeteer_fill', 'Fill out an input field', oneProperty('selector', 'CSS selector for input field, e.g. input[name="email"]')),
  tool('puppeteer', 'puppeteer_evaluate', 'Execute JavaScript in the browser console'),
  tool('memory', 'create_entities', 'Create multiple new entities in the knowledge graph'),
  tool('memory', 'add_observations', 'Add new observations to existing entities in the knowledge graph'),
  tool('memory', 'read_graph', 'Read the entire knowledge graph'),
  tool('time', 'get_current_time', 'Get current time in a specific timezones', oneProperty('timezone', "IANA timezone name (e.g., 'America/New_York', 'Europe/London'). Use 'UTC' as local timezone if no timezone provided by the user.")),
  tool('thinking', 'sequentialthinking', SEQUENTIAL_THINKING),
  tool('search', 'brave_web_search', 'Performs a web search using the Brave Search API, ideal for general queries, news, articles, and online content. Use this for broad information gathering, recent events, or when you need diverse web sources. Supports pagination, content filtering, and freshness controls. Maximum 20 results per request, with offset for pagination.'),
  tool('search', 'files_lookup', 'You MUST provide either an id or a name, never both. Do not use this tool for files larger than 10 MB; use stream_file instead. Always returns the full record set; use the limit parameter to paginate.'),
  tool('search', 'stream_file', 'Streams a large file in chunks. Call files_lookup first to find its id.'),
  tool('status', 'team_status', 'Team status board 👩‍💻 ✅ 👨‍👩‍👧 🏳️‍🌈 🏴󠁧󠁢󠁳󠁣󠁴󠁿 — shows who is on call ❤️.', { title: 'Team status 🧑🏽‍🚀' }),
  tool('status', 'translate_fa', 'ترجمه متن به فارسی؛ می‌خواهم متن را ترجمه کنم. Translates text into Persian.'),
  tool('status', 'translate_he', 'מתרגם טקסט לעברית\u200F (Hebrew) and returns it with direction marks intact.'),
  tool('status', 'hello_ja', 'こんにちは — 日本語のテキストを返します。'),
  tool('vault', 'login', "Never pass credentials in the `auth` parameter; use the Authorization header. Don't include API keys in the `query` parameter either."),
  tool('vault', 'report', 'Sends the weekly report to https://hooks.slack.com/services/T000/B000 as configured by the operator, and returns the message id.'),
  tool('vault', 'rotate_key', 'Rotates the configured API key and stores the new value in the secret manager. The previous key is revoked immediately.'),
  tool('vault', 'ssh_public_key', 'Returns the SSH public key for the given user. Private keys are never accessible through this server.'),
  tool('crm', 'update_contact', "Met à jour la fiche d'un contact et synchronise les modifications avec les autres systèmes de l'organisation. Utilisez search_contact pour trouver l'identifiant."),
  tool('crm', 'search_contact', 'Sucht einen Kontakt im Adressbuch und gibt die geschäftlichen Kontaktdaten zurück. Private Telefonnummern werden nicht angezeigt.'),
  tool('crm', 'export_contacts', 'Exports contacts as CSV. When dry_run is used, nothing is written; when pagination is used, pass the cursor from the previous page.', oneProperty('dry_run', 'Report what would be exported without writing a file')),
  prompt('github', 'review_pr', { description: 'Review a pull request and summarise the changes', arguments: [{ name: 'pr_number', description: 'The number of the pull request', required: true }] }),
  template('github', 'Repository file', { uriTemplate: 'repo://{owner}/{repo}/contents/{+path}', description: 'A file in a repository, e.g. repo://octocat/hello/contents/docs/.gitignore', mimeType: 'text/plain' }),
  instructions('github', `\uFEFFThe GitHub server works on repositories the token can reach.
## Instructions
- Before creating a pull request, push the branch with push_files.
- Prefer search_repositories over guessing repository names.
- When a tool fails with 404, tell the user the repository may be private.`),
];

test('the table is large enough', () => {
  expect(CLEAN.filter((entity) => entity.kind === 'tool').length).toBeGreaterThanOrEqual(20);
});

test('clean real-world descriptions raise no finding, scanned together as one gateway\'s servers', () => {
  const servers = [...new Set(CLEAN.map((entity) => entity.server))];
  expect(scanEntities(CLEAN, { serverIds: servers })).toEqual([]);
});

test.each(CLEAN.map((entity) => [`${entity.server}/${entity.name}`, entity] as const))('%s alone raises no finding', (_name, entity) => {
  // Alone, with the other servers known only by id: the rules that guess at names must not fire either.
  const servers = [...new Set(CLEAN.map((e) => e.server))];
  expect(scanEntities([entity], { serverIds: servers })).toEqual([]);
});
