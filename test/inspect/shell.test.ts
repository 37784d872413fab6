// Restricted shell: tables of command lines with the exact verdict. Denied rows pin the violation
// text; allowed rows are ordinary read commands that must not be over-blocked.
import { beforeAll, expect, test } from 'vitest';
import { initParsers, inspectShell } from '../../src/inspect/index.js';

beforeAll(async () => {
  await initParsers();
});

const ALLOWED: string[] = [
  "git status",
  "git log --oneline -n 5",
  "ls -la | grep foo | wc -l",
  "grep -rn \"TODO\" src",
  "find . -name \"*.ts\" -type f",
  "cat a.txt b.txt",
  "git diff HEAD~1 -- src",
  "git show HEAD:README.md",
  "git branch",
  "git branch -a -v",
  "git branch --list 'feat/*'",
  "git rev-parse --abbrev-ref HEAD",
  "git ls-files -m",
  "git blame -L 1,10 README.md",
  "head -n 20 README.md && tail -5 README.md",
  "ls || echo none",
  "pwd; whoami; date",
  "sort -u names.txt | uniq -c",
  "cut -d, -f1 data.csv | sort | head",
  "tr a-z A-Z < input.txt",
  "wc -l < input.txt",
  "grep -c foo <<< \"foo bar\"",
  "diff a.txt b.txt",
  "du -sh . 2>/dev/null",
  "df -h",
  "which node",
  "basename /a/b/c.txt; dirname /a/b/c.txt; realpath .",
  "tree -L 2 src",
  "file README.md",
  "echo 'rm -rf /'",
  "echo \"a;b|c&&d\"",
  "rg -n --glob '*.ts' TODO",
  "ls -la # && rm -rf /",
  "ls *.ts",
  "cat src/*.ts",
  "git show HEAD@{1}",
  "git --no-pager log -1",
  "\"l\"s",
  "'ls' -la",
  "ls > /dev/null",
  "ls 2>&1",
  "ls >&2",
  "cat < /etc/passwd",
  "find . -name '*.ts'",
  "git branch --list foo",
  "sort -t o -k 2 in.txt",
  "uniq -c in.txt",
  "uniq -f 1 in.txt",
  "rg --pre-glob '*.gz' foo",
  "date +%s",
  "ls x y",
  "git log --format='%H %s' -n 3",
  "git diff --stat",
  "git log -p -- src",
  "git status --porcelain",
  "git log --grep=fix",
  "grep \"foo$\" x",
  "ls -la;",
  "cat ~/.bashrc",
  "ls -- -la",
  "git -P log",
  "grep -r foo . --include=*.ts",
];

test.each(ALLOWED)("allowed: %s", (command) => {
  const result = inspectShell(command);
  expect(result.violation).toBeUndefined();
  expect(result.understood).toBe(true);
  expect(result.writes).toBe(false);
});

const DENIED: Array<[string, string]> = [
  ["ls; rm -rf x", "\"rm\" is not on the read-only allowlist"],
  ["ls && rm -rf x", "\"rm\" is not on the read-only allowlist"],
  ["ls || rm -rf x", "\"rm\" is not on the read-only allowlist"],
  ["ls | rm -rf x", "\"rm\" is not on the read-only allowlist"],
  ["ls & rm -rf x", "background \"&\" is not allowed"],
  ["ls &", "background \"&\" is not allowed"],
  ["ls;rm -rf x", "\"rm\" is not on the read-only allowlist"],
  ["echo hi;rm x", "\"rm\" is not on the read-only allowlist"],
  ["cat $(ls)", "command substitution \"$(ls)\" is not allowed"],
  ["cat `ls`", "command substitution \"`ls`\" is not allowed"],
  ["echo \"$(id)\"", "command substitution \"$(id)\" is not allowed"],
  ["echo \"`id`\"", "command substitution \"`id`\" is not allowed"],
  ["cat <(ls)", "process substitution \"<(ls)\" is not allowed"],
  ["diff <(ls a) <(ls b)", "process substitution \"<(ls a)\" is not allowed"],
  ["ls >(cat)", "process substitution \">(cat)\" is not allowed"],
  ["echo $((1+2))", "arithmetic expansion \"$((1+2))\" is not allowed"],
  ["echo $HOME", "variable expansion \"$HOME\" is not allowed"],
  ["echo ${HOME}", "variable expansion \"${HOME}\" is not allowed"],
  ["cat \"$HOME/.ssh/id_rsa\"", "variable expansion \"$HOME\" is not allowed"],
  ["echo $'\\x41'", "ANSI-C quoting \"$'\\x41'\" is not allowed"],
  ["cat${IFS}/etc/passwd", "variable expansion \"${IFS}\" is not allowed in command position"],
  ["IFS=, ls", "environment assignment \"IFS=,\" is not allowed"],
  ["FOO=bar ls", "environment assignment \"FOO=bar\" is not allowed"],
  ["GIT_DIR=/tmp/x git status", "environment assignment \"GIT_DIR=/tmp/x\" is not allowed"],
  ["LD_PRELOAD=/tmp/x.so ls", "environment assignment \"LD_PRELOAD=/tmp/x.so\" is not allowed"],
  ["FOO=bar", "variable assignment \"FOO=bar\" is not allowed"],
  ["timeout 5 ls", "\"timeout\" is not on the read-only allowlist"],
  ["timeout 5 rm -rf x", "\"timeout\" is not on the read-only allowlist"],
  ["xargs ls", "\"xargs\" is not on the read-only allowlist"],
  ["ls | xargs rm", "\"xargs\" is not on the read-only allowlist"],
  ["env ls", "\"env\" is not on the read-only allowlist"],
  ["env -i rm x", "\"env\" is not on the read-only allowlist"],
  ["nice -n 10 rm -rf x", "\"nice\" is not on the read-only allowlist"],
  ["sudo rm -rf /", "\"sudo\" is not on the read-only allowlist"],
  ["command rm x", "\"command\" is not on the read-only allowlist"],
  ["builtin echo hi", "\"builtin\" is not on the read-only allowlist"],
  ["exec ls", "\"exec\" is not on the read-only allowlist"],
  ["eval ls", "\"eval\" is not on the read-only allowlist"],
  ["eval \"rm -rf /\"", "\"eval\" is not on the read-only allowlist"],
  ["source ./x.sh", "\"source\" is not on the read-only allowlist"],
  [". ./x.sh", "\".\" is not on the read-only allowlist"],
  ["bash -c ls", "\"bash\" is not on the read-only allowlist"],
  ["sh -c \"rm -rf /\"", "\"sh\" is not on the read-only allowlist"],
  ["'r'm -rf x", "\"rm\" is not on the read-only allowlist"],
  ["\"rm\" -rf x", "\"rm\" is not on the read-only allowlist"],
  ["r\\m -rf x", "\"rm\" is not on the read-only allowlist"],
  ["\\rm -rf x", "\"rm\" is not on the read-only allowlist"],
  ["$'\\x72m' -rf x", "ANSI-C quoting \"$'\\x72m'\" is not allowed in command position"],
  ["/bin/rm -rf x", "command \"/bin/rm\" is given by path; use a bare command name"],
  ["/bin/ls", "command \"/bin/ls\" is given by path; use a bare command name"],
  ["./ls", "command \"./ls\" is given by path; use a bare command name"],
  ["../bin/ls", "command \"../bin/ls\" is given by path; use a bare command name"],
  ["~/bin/ls", "command \"~/bin/ls\" is given by path; use a bare command name"],
  ["l{s,x}", "glob or brace expansion in command name \"l{s,x}\" is not allowed"],
  ["l? -la", "glob or brace expansion in command name \"l?\" is not allowed"],
  ["ls > out.txt", "output redirection \">\" writes a file"],
  ["ls >> out.txt", "output redirection \">>\" writes a file"],
  ["ls &> out.txt", "output redirection \"&>\" writes a file"],
  ["ls &>> out.txt", "output redirection \"&>>\" writes a file"],
  ["ls >| out.txt", "output redirection \">|\" writes a file"],
  ["ls 2> err.txt", "output redirection \">\" writes a file"],
  ["ls >& out.txt", "output redirection \">&\" writes a file"],
  ["(ls)", "subshell \"(ls)\" is not allowed"],
  ["(rm -rf x)", "subshell \"(rm -rf x)\" is not allowed"],
  ["{ ls; }", "command group \"{ ls; }\" is not allowed"],
  ["f() { ls; }", "function definition \"f() { ls; }\" is not allowed"],
  ["! ls", "negation \"! ls\" is not allowed"],
  ["if true; then ls; fi", "unsupported shell syntax \"if true; then ls; fi\" (if_statement)"],
  ["for f in a b; do cat $f; done", "unsupported shell syntax \"for f in a b; do cat $f; done\" (for_statement)"],
  ["while true; do ls; done", "unsupported shell syntax \"while true; do ls; done\" (while_statement)"],
  ["[[ -f x ]]", "unsupported shell syntax \"[[ -f x ]]\" (test_command)"],
  ["test -f x", "\"test\" is not on the read-only allowlist"],
  ["find . -delete", "\"find\" flag \"-delete\" is forbidden"],
  ["find . -name x -delete", "\"find\" flag \"-delete\" is forbidden"],
  ["find . -exec rm {} \\;", "\"find\" flag \"-exec\" is forbidden"],
  ["find . -execdir rm {} +", "\"find\" flag \"-execdir\" is forbidden"],
  ["find . -ok rm {} \\;", "\"find\" flag \"-ok\" is forbidden"],
  ["find . -fprint out.txt", "\"find\" flag \"-fprint\" is forbidden"],
  ["find . -fls out.txt", "\"find\" flag \"-fls\" is forbidden"],
  ["find . -fprintf out.txt %p", "\"find\" flag \"-fprintf\" is forbidden"],
  ["find *.ts", "glob \"*.ts\" could expand to a flag of \"find\"; start it with \"./\""],
  ["git -c core.pager=evil log", "git option \"-c\" is not allowed"],
  ["git -C /tmp log", "git option \"-C\" is not allowed"],
  ["git --exec-path=/tmp log", "git option \"--exec-path=/tmp\" is not allowed"],
  ["git -p log", "git option \"-p\" is not allowed"],
  ["git --paginate log", "git option \"--paginate\" is not allowed"],
  ["git --git-dir=/tmp/x status", "git option \"--git-dir=/tmp/x\" is not allowed"],
  ["git --work-tree=/tmp status", "git option \"--work-tree=/tmp\" is not allowed"],
  ["git diff --output=x.txt", "\"git diff\" flag \"--output=x.txt\" is forbidden"],
  ["git log --output x.txt", "\"git log\" flag \"--output\" is forbidden"],
  ["git diff --ext-diff", "\"git diff\" flag \"--ext-diff\" is forbidden"],
  ["git show --textconv HEAD", "\"git show\" flag \"--textconv\" is forbidden"],
  ["git diff --outp=x", "\"git diff\" flag \"--outp=x\" is forbidden"],
  ["git push --force", "\"git push\" is not on the read-only allowlist"],
  ["git commit -m x", "\"git commit\" is not on the read-only allowlist"],
  ["git checkout main", "\"git checkout\" is not on the read-only allowlist"],
  ["git reset --hard", "\"git reset\" is not on the read-only allowlist"],
  ["git clean -fd", "\"git clean\" is not on the read-only allowlist"],
  ["git stash", "\"git stash\" is not on the read-only allowlist"],
  ["git config user.name x", "\"git config\" is not on the read-only allowlist"],
  ["git branch foo", "\"git branch foo\" creates a branch"],
  ["git branch -d foo", "\"git branch\" flag \"-d\" is not allowed"],
  ["git branch -D foo", "\"git branch\" flag \"-D\" is not allowed"],
  ["git branch -m a b", "\"git branch\" flag \"-m\" is not allowed"],
  ["git branch --set-upstream-to=origin/main", "\"git branch\" flag \"--set-upstream-to=origin/main\" is not allowed"],
  ["sort -o out.txt in.txt", "\"sort\" flag \"-o\" is forbidden"],
  ["sort --output=out.txt in.txt", "\"sort\" flag \"--output=out.txt\" is forbidden"],
  ["sort --out=out.txt in.txt", "\"sort\" flag \"--out=out.txt\" is forbidden"],
  ["sort -uo out.txt in.txt", "\"sort\" flag \"-uo\" is forbidden"],
  ["sort --compress-program=sh in.txt", "\"sort\" flag \"--compress-program=sh\" is forbidden"],
  ["uniq in.txt out.txt", "\"uniq\" with more than 1 file argument writes the extra one"],
  ["rg --pre ./x.sh foo", "\"rg\" flag \"--pre\" is forbidden"],
  ["rg --pre=./x.sh foo", "\"rg\" flag \"--pre=./x.sh\" is forbidden"],
  ["rg --hostname-bin=./x foo", "\"rg\" flag \"--hostname-bin=./x\" is forbidden"],
  ["tree -o out.txt", "\"tree\" flag \"-o\" is forbidden"],
  ["tree -R", "\"tree\" flag \"-R\" is forbidden"],
  ["date -s 2020-01-01", "\"date\" flag \"-s\" is forbidden"],
  ["date --set=2020-01-01", "\"date\" flag \"--set=2020-01-01\" is forbidden"],
  ["file -C -m magic", "\"file\" flag \"-C\" is forbidden"],
  ["printf -v x hi", "\"printf\" flag \"-v\" is forbidden"],
  ["less README.md", "\"less\" is not on the read-only allowlist"],
  ["man ls", "\"man\" is not on the read-only allowlist"],
  ["vi x", "\"vi\" is not on the read-only allowlist"],
  ["sed -i s/a/b/ x", "\"sed\" is not on the read-only allowlist"],
  ["awk '{print}' x", "\"awk\" is not on the read-only allowlist"],
  ["python3 -c 1", "\"python3\" is not on the read-only allowlist"],
  ["curl http://x", "\"curl\" is not on the read-only allowlist"],
  ["chmod 777 x", "\"chmod\" is not on the read-only allowlist"],
  ["mv a b", "\"mv\" is not on the read-only allowlist"],
  ["tee x", "\"tee\" is not on the read-only allowlist"],
  ["dd if=/dev/zero of=x", "\"dd\" is not on the read-only allowlist"],
  ["ls \"$(rm x)\"", "command substitution \"$(rm x)\" is not allowed"],
  ["ls ${x:-$(rm x)}", "variable expansion \"${x:-$(rm x)}\" is not allowed"],
  ["ls;$(rm x)", "command substitution \"$(rm x)\" is not allowed in command position"],
  ["$CMD -la", "variable expansion \"$CMD\" is not allowed in command position"],
  ["\"$CMD\" -la", "variable expansion \"$CMD\" is not allowed in command position"],
  ["cat x | sh", "\"sh\" is not on the read-only allowlist"],
  ["echo rm -rf / | bash", "\"bash\" is not on the read-only allowlist"],
];

test.each(DENIED)("denied: %s", (command, violation) => {
  const result = inspectShell(command);
  expect(result.violation).toBe(violation);
  expect(result.understood).toBe(true);
  expect(result.writes).toBe(true);
});

const NOT_UNDERSTOOD: Array<[string, string]> = [
  ['{ls,-la}', 'the command could not be parsed near "{ls,-la}"'],
  ['[l]s', 'the command could not be parsed near "[l]"'],
  ['ls <> file', 'the command could not be parsed near ">"'],
  ['ls "unterminated', 'the command could not be parsed near ""unterminated"'],
  ['ls )', 'the command could not be parsed near ")"'],
  ['ls\r-la', 'control or space character "\\u000d" is not allowed'],
  ['ls\u00a0-la', 'control or space character "\\u00a0" is not allowed'],
  ['ls\0', 'control or space character "\\u0000" is not allowed'],
];

test.each(NOT_UNDERSTOOD)('not understood: %j', (command, violation) => {
  const result = inspectShell(command);
  expect(result).toMatchObject({ check: 'shell', understood: false, writes: true, violation });
});

test('a here-document is refused', () => {
  expect(inspectShell('cat <<EOF\nhello\nEOF\n').violation).toBe('here-document "<<EOF hello EOF" is not allowed');
});

test('a line continuation is refused even though the parser hides it', () => {
  expect(inspectShell('ls \\\n -la')).toMatchObject({ understood: true, violation: 'line continuation "\\" is not allowed' });
});

test('newlines separate commands like semicolons', () => {
  expect(inspectShell('ls\nrm -rf x').violation).toBe('"rm" is not on the read-only allowlist');
  expect(inspectShell('ls\n\ngit status\n').violation).toBeUndefined();
});

test('an empty command line is refused', () => {
  expect(inspectShell('').violation).toBe('the command is empty');
  expect(inspectShell('# only a comment').violation).toBe('the command is empty');
});

test('allowCommands extends the allowlist by name or by leading words', () => {
  expect(inspectShell('make test', { allowCommands: ['make'] }).violation).toBeUndefined();
  expect(inspectShell('git stash list', { allowCommands: ['git stash list'] }).violation).toBeUndefined();
  expect(inspectShell('git stash drop', { allowCommands: ['git stash list'] }).violation).toBe('"git stash" is not on the read-only allowlist');
  expect(inspectShell('git stash list --output=x', { allowCommands: ['git stash list'] }).violation).toBe('"git" flag "--output=x" is forbidden');
  expect(inspectShell('make test; rm x', { allowCommands: ['make'] }).violation).toBe('"rm" is not on the read-only allowlist');
});

test('an extended command still may not be given by path unless listed that way', () => {
  expect(inspectShell('./make', { allowCommands: ['make'] }).violation).toBe('command "./make" is given by path; use a bare command name');
  expect(inspectShell('./scripts/check.sh', { allowCommands: ['./scripts/check.sh'] }).violation).toBeUndefined();
});

test('patternTexts hold each command decoded, including wrapped ones', () => {
  expect(inspectShell("sudo 'r'm -rf x").patternTexts).toEqual(['sudo rm -rf x', 'rm -rf x']);
});

test('a very long command is refused without parsing', () => {
  expect(inspectShell(`echo ${'a'.repeat(100_001)}`)).toMatchObject({ understood: false, violation: 'the command is longer than 100000 characters' });
});
