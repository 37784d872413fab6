// What an agent or an upstream can put into the Slack text of a webhook: each input, and exactly what
// Slack receives. Nothing may come out as a mention, a link, formatting or an early end of the span.
import { expect, test } from 'vitest';
import { escapeSlack, slackCode } from '../../src/approval/slack-text.js';

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
