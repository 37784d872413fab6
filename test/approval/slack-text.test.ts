// What an agent or an upstream can put into the Slack text of a webhook: each input, and exactly what
// Slack receives. Nothing may come out as a mention, a link, formatting or an early end of the span.
import { expect, test } from 'vitest';
import { definitionSlackLines, escapeSlack, slackBlock, slackCode } from '../../src/approval/slack-text.js';

test.each([
  ['<!channel>', '`&lt;!channel&gt;`'],
  ['<!here|here>', '`&lt;!here|here&gt;`'],
  ['<@U024BE7LH>', '`&lt;@U024BE7LH&gt;`'],
  ['<https://evil.example|Approve>', '`&lt;https://evil.example|Approve&gt;`'],
  ['a & b', '`a &amp; b`'],
  ['&lt;!channel&gt;', '`&amp;lt;!channel&amp;gt;`'],
  ['`x` then *bold*', '`\u02cbx\u02cb then *bold*`'],
  ['```\n<!channel>\n```', '`\u02cb\u02cb\u02cb &lt;!channel&gt; \u02cb\u02cb\u02cb`'],
  ['line one\r\n> quoted', '`line one &gt; quoted`'],
  ['safe\u2028> quote', '`safe\\u2028&gt; quote`'],
  ['abc\u202Efed', '`abc\\u202efed`'],
  ['zero\u200Bwidth', '`zero\\u200bwidth`'],
  ['', '` `'],
])('slackCode(%j) is %j', (input, expected) => {
  expect(slackCode(input)).toBe(expected);
});

test('escapeSlack escapes exactly &, < and >', () => {
  expect(escapeSlack('<a href="x">&amp;</a> *b* `c`')).toBe('&lt;a href="x"&gt;&amp;amp;&lt;/a&gt; *b* `c`');
});

test.each([
  ['set -e\nnpm test', '```\nset -e\nnpm test\n```'],
  ['windows\r\nlines', '```\nwindows\nlines\n```'],
  // A lone carriage return would let a line overwrite what came before it in some renderers.
  ['rm -rf /\rls', '```\nrm -rf /\\u000dls\n```'],
  // The block cannot be closed early, and mentions and links stay text.
  ['a\n```\n<!channel> <https://evil.example|Approve>', '```\na\n\u02cb\u02cb\u02cb\n&lt;!channel&gt; &lt;https://evil.example|Approve&gt;\n```'],
  ['echo `id`\n*bold* > quote & more', '```\necho \u02cbid\u02cb\n*bold* &gt; quote &amp; more\n```'],
  ['tab\there\nabc\u202Efed\u2028x', '```\ntab\there\nabc\\u202efed\\u2028x\n```'],
  ['trailing\n', '```\ntrailing\n\n```'],
])('slackBlock(%j) is %j', (input, expected) => {
  expect(slackBlock(input)).toBe(expected);
});

test('a changed definition: fields and findings as code, the diff as a block whose markup stays inert', () => {
  const lines = definitionSlackLines({
    pin: { state: 'changed', fields: ['description'], diff: '-description: Reads.\n+description: Reads. <!channel> ```x``` \u202eevil' },
    findings: [{ rule: 'hidden-unicode', field: 'description', message: 'Bidi override <@U1>' }],
  });
  expect(lines).toEqual([
    'Definition changed since it was pinned: `description`',
    'Diff (- pinned, + listed now):',
    '```\n-description: Reads.\n+description: Reads. &lt;!channel&gt; \u02cb\u02cb\u02cbx\u02cb\u02cb\u02cb \\u202eevil\n```',
    'Scanning: `hidden-unicode in description: Bidi override &lt;@U1&gt;`',
  ]);
});
