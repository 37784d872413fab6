// Benchmark of the decision engine (`npm run bench:policy`): name-level decisions warm (memoised)
// and cold, how the cold cost scales with the number of rules, and one call with a large argument
// object scanned for dangerous patterns. A benchmark, not a test: it prints figures and goals.
// To add a section, write a function and list it in SECTIONS (shell and SQL check figures are in
// bench/inspect.bench.ts).
import { compilePolicy, decide, type CompiledPolicy } from '../src/policy/index.js';
import type { EffectivePolicy, Rule, ServerPolicy, ToolCall } from '../src/policy/types.js';

const GOAL_DECISIONS_PER_SECOND = 1_000_000;
const GOAL_P99_NS = 5_000;
const BATCH = 100;

// ── Fixtures ───────────────────────────────────────────────────────────────────────────────────────

const VERBS = ['get', 'list', 'search', 'read', 'create', 'update', 'delete', 'merge', 'run', 'sync'];
const NOUNS = ['issue', 'repo', 'file', 'user', 'table', 'branch', 'job', 'secret', 'note', 'page'];
const SERVER_COUNT = 10;

/** 200 tools: 10 servers × 20 tools named verb_noun. */
function makeTools(): Array<{ server: string; tool: string }> {
  const tools: Array<{ server: string; tool: string }> = [];
  for (let s = 0; s < SERVER_COUNT; s++) {
    for (let t = 0; t < 20; t++) tools.push({ server: `srv${s}`, tool: `${VERBS[t % 10]}_${NOUNS[(t + s) % 10]}${t >= 10 ? '_v2' : ''}` });
  }
  return tools;
}

/**
 * `count` rules spread over 5 extended profiles, as config resolution would merge them: about 60%
 * allow, 20% ask, 20% deny; half literal names (many for tools that do not exist, as in real
 * configs), half globs of several shapes.
 */
function makePolicy(count: number, tools: Array<{ server: string; tool: string }>): EffectivePolicy {
  const allow: Rule[] = [];
  const ask: Rule[] = [];
  const deny: Rule[] = [];
  for (let i = 0; i < count; i++) {
    const profile = `profile "p${i % 5}" gateway.yaml:${10 + i}:7`;
    const s = i % (SERVER_COUNT + 5); // some rules speak of servers that are not configured
    const verb = VERBS[(i >> 2) % 10]!;
    const noun = NOUNS[(i >> 3) % 10]!;
    const shapes = [
      `srv${s}/${verb}_${noun}_${i}`, // literal, no such tool
      `srv${s}/${verb}_${noun}`, // literal, may exist
      `srv${s}/${verb}_*`,
      `*/${verb}_${noun}*`,
      `srv${s}/{${verb},${VERBS[(i + 3) % 10]}}_${noun}*`,
      `srv${s}/**/x${i}`,
    ];
    const pattern = shapes[i % shapes.length]!;
    const list = i % 10 < 6 ? allow : i % 10 < 8 ? ask : deny;
    list.push({ pattern, source: profile });
  }
  allow.push({ pattern: 'srv0/**', source: 'agent gateway.yaml:2:3' });
  const servers: Record<string, ServerPolicy> = {};
  for (const { server } of tools) servers[server] = { kind: 'generic', readonly: [{ pattern: 'get_*', source: 'x' }, { pattern: 'list_*', source: 'x' }], trusted: false };
  const setting = <T>(value: T) => ({ value, source: 'gateway.yaml' });
  return {
    agent: 'bench',
    environment: 'bench',
    activeAgents: null,
    allow,
    ask,
    deny,
    shell: setting('unrestricted'),
    fileWrite: setting('full'),
    database: setting('mutations'),
    safety: setting('standard'),
    environmentSafety: setting('full'),
    approval: { mode: setting('granular'), requiredTools: [{ pattern: 'srv1/merge_*', source: 'x' }], dangerousPatterns: [] },
    bashOnly: setting(false),
    ceilings: [{ pattern: '*/delete_secret*', verdict: 'deny', source: 'policy' }],
    servers,
  };
}

// ── Measuring ──────────────────────────────────────────────────────────────────────────────────────

interface Figures {
  perSecond: number;
  /** Per-decision ns from batches of BATCH calls. */
  p50: number;
  p99: number;
  /** Per-decision ns timing each call alone (includes the timer's own overhead). */
  singleP99: number;
}

let sink = 0;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

/** Times `batches` batches of BATCH decisions cycling over `calls`, then `singles` lone decisions. */
function measure(compiled: CompiledPolicy, calls: ToolCall[], batches: number, singles = batches * 10): Figures {
  let next = 0;
  const run = () => {
    const decision = decide(compiled, calls[next]!);
    next = next + 1 === calls.length ? 0 : next + 1;
    sink += decision.reasons.length;
  };
  for (let i = 0; i < Math.min(20_000, batches * BATCH); i++) run(); // warm up the JIT

  const perBatch: number[] = [];
  let total = 0n;
  for (let b = 0; b < batches; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) run();
    const elapsed = process.hrtime.bigint() - start;
    total += elapsed;
    perBatch.push(Number(elapsed) / BATCH);
  }
  const single: number[] = [];
  for (let i = 0; i < singles; i++) {
    const start = process.hrtime.bigint();
    run();
    single.push(Number(process.hrtime.bigint() - start));
  }
  perBatch.sort((a, b) => a - b);
  single.sort((a, b) => a - b);
  return {
    perSecond: (batches * BATCH * 1e9) / Number(total),
    p50: percentile(perBatch, 50),
    p99: percentile(perBatch, 99),
    singleP99: percentile(single, 99),
  };
}

/** The timer's own cost, to read single-call figures against. */
function timerOverhead(): number {
  const samples: number[] = [];
  for (let i = 0; i < 100_000; i++) {
    const start = process.hrtime.bigint();
    samples.push(Number(process.hrtime.bigint() - start));
  }
  return percentile(samples.sort((a, b) => a - b), 50);
}

const ns = (value: number) => (value >= 10_000 ? `${(value / 1000).toFixed(1)} µs` : `${Math.round(value)} ns`);
const rate = (value: number) => (value >= 100_000 ? `${(value / 1e6).toFixed(2)} M/s` : `${Math.round(value).toLocaleString('en')} /s`);
const mark = (ok: boolean) => (ok ? 'meets goal' : 'MISSES goal');

function printFigures(label: string, figures: Figures, withGoals: boolean): void {
  const goals = withGoals
    ? `   [${mark(figures.perSecond >= GOAL_DECISIONS_PER_SECOND)} ≥${rate(GOAL_DECISIONS_PER_SECOND)}; p99 ${mark(figures.p99 <= GOAL_P99_NS)} ≤${ns(GOAL_P99_NS)}]`
    : '';
  console.log(
    `  ${label.padEnd(34)} ${rate(figures.perSecond).padStart(10)}   p50 ${ns(figures.p50).padStart(8)}   p99 ${ns(figures.p99).padStart(8)}   single-call p99 ${ns(figures.singleP99).padStart(8)}${goals}`,
  );
}

// ── Sections ───────────────────────────────────────────────────────────────────────────────────────

const tools = makeTools();
const nameCalls: ToolCall[] = tools.map(({ server, tool }) => ({ server, tool }));

function nameLevel(): void {
  const policy = makePolicy(1_000, tools);
  const verdicts = { allow: 0, ask: 0, deny: 0 };
  const warm = compilePolicy(policy);
  for (const call of nameCalls) verdicts[decide(warm, call).verdict]++;
  console.log(`\nName-level decisions: 1,000 rules from 5 profiles (+1 agent rule) over ${tools.length} tools (${verdicts.allow} allow, ${verdicts.ask} ask, ${verdicts.deny} deny)`);
  printFigures('warm (memoised per server/tool)', measure(warm, nameCalls, 20_000), true);
  printFigures('cold (memo off)', measure(compilePolicy(policy, { memoSize: 0 }), nameCalls, 2_000), true);
}

function scaling(): void {
  console.log('\nScaling of a cold (unmemoised) name-level decision with the number of rules');
  let previous: { rules: number; cost: number } | undefined;
  for (const count of [100, 1_000, 10_000]) {
    const compiled = compilePolicy(makePolicy(count, tools), { memoSize: 0 });
    const figures = measure(compiled, nameCalls, count >= 10_000 ? 200 : 1_000, 0);
    const cost = 1e9 / figures.perSecond;
    const ratio = previous ? `   ×${(cost / previous.cost).toFixed(2)} cost for ×${count / previous.rules} rules (linear would be ×${count / previous.rules})` : '';
    console.log(`  ${String(count).padStart(6)} rules   mean ${ns(cost).padStart(8)}   p99 ${ns(figures.p99).padStart(8)}${ratio}`);
    previous = { rules: count, cost };
  }
}

function argumentScan(): void {
  const policy = makePolicy(1_000, tools);
  const patterns = [
    'rm -rf', 'DROP TABLE', 'git push --force', 'mkfs', 'dd if=', 'chmod 777', 'curl | sh', 'shutdown -h', 'TRUNCATE TABLE', 'DELETE FROM',
    '/wget\\s+\\S+\\s*\\|\\s*(ba)?sh/i', '/:\\(\\)\\s*\\{/', '/rm\\s+-[a-z]*r[a-z]*f/i', '/drop\\s+database/i', '/>\\s*\\/dev\\/sd[a-z]/', 'kubectl delete', 'terraform destroy', 'npm publish', 'ALTER TABLE', '/git\\s+reset\\s+--hard/',
  ];
  policy.approval.dangerousPatterns = patterns.map((pattern, i) => ({ pattern, source: `gateway.yaml:${60 + i}:9` }));
  const compiled = compilePolicy(policy);
  // About 10 KB of nested arguments: keys, strings, numbers, an argv array; nothing dangerous.
  const args = {
    title: 'Refactor the build pipeline',
    body: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(60),
    labels: Array.from({ length: 40 }, (_, i) => `label-${i}`),
    files: Array.from({ length: 60 }, (_, i) => ({ path: `src/module-${i}/index.ts`, additions: i * 3, deletions: i, binary: false })),
    argv: ['npm', 'run', 'build', '--', '--verbose'],
    meta: { nested: { deeper: { note: 'Ünïcödé “quotes” and\ttabs\nnewlines'.repeat(20) } } },
  };
  const size = JSON.stringify(args).length;
  const call: ToolCall = { server: 'srv0', tool: 'create_issue', arguments: args };
  const first = decide(compiled, call);
  console.log(`\nOne decision with a ${(size / 1024).toFixed(1)} KB argument object and ${patterns.length} dangerous patterns (decision: ${first.verdict})`);
  printFigures('full decide, arguments scanned', measure(compiled, [call], 200, 2_000), false);
}

const SECTIONS: Array<() => void> = [nameLevel, scaling, argumentScan];

console.log(`mcp-warden policy benchmark — node ${process.version}, batches of ${BATCH}; timer overhead ≈ ${ns(timerOverhead())} per reading`);
for (const section of SECTIONS) section();
if (sink < 0) console.log(sink); // keeps the results observable so the JIT cannot drop the work
