// The webhook's `text` field is rendered by Slack as mrkdwn, where `<!channel>`, `<https://x|label>`
// and `*bold*` are markup. Every value a tool, an upstream or an agent chose goes into a code span
// (no formatting, no links there) with `&`, `<` and `>` escaped as Slack requires and nothing left
// that could close the span, so a call's arguments can never ping a channel or show a fake link.

/** `&`, `<` and `>` as Slack's escapes: the only three characters Slack itself asks senders to escape. */
export function escapeSlack(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Untrusted text as one inline code span: escaped, on one line, and unable to end the span early. */
export function slackCode(text: string): string {
  const inner = visible(text)
    // A backtick would end the span and let the rest render as markup; the look-alike cannot.
    .replaceAll('`', '\u02cb')
    .replace(/\r\n|[\r\n]/g, ' ');
  return `\`${escapeSlack(inner) || ' '}\``;
}

/**
 * Untrusted multi-line text as a code block, line breaks kept, so a script or a file's content reads
 * as text. Escaped like a span; backticks become the look-alike, so nothing inside can close the
 * block, and a lone carriage return (which could redraw a line) is shown as `\u000d`.
 */
export function slackBlock(text: string): string {
  const inner = visible(text.replace(/\r\n/g, '\n'))
    .replaceAll('\r', '\\u000d')
    .replaceAll('`', '\u02cb');
  return ['```', escapeSlack(inner), '```'].join('\n');
}

/**
 * Characters that change how text is laid out without being seen (line and paragraph separators,
 * bidirectional overrides, zero-width characters) shown as `\uXXXX`, so what a person reads in the
 * channel is what the call holds.
 */
function visible(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g, (char) =>
    `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Longest diff put in a message; the console and `mcp-warden approvals list` show it whole. */
const MAX_DIFF = 1500;

/** The lines a Slack message shows of a definition that changed or was flagged (issue 13), every value as code. */
export function definitionSlackLines(review: { pin?: { state: string; fields: string[]; diff?: string }; findings?: Array<{ rule: string; field: string; message: string }> }): string[] {
  const lines: string[] = [];
  if (review.pin) {
    lines.push(review.pin.state === 'new' ? 'Definition: a new tool, not pinned.' : `Definition changed since it was pinned: ${slackCode(review.pin.fields.join(', '))}`);
    if (review.pin.diff) {
      const diff = review.pin.diff.length > MAX_DIFF ? `${review.pin.diff.slice(0, MAX_DIFF)}…` : review.pin.diff;
      lines.push('Diff (- pinned, + listed now):', slackBlock(diff));
    }
  }
  for (const finding of review.findings ?? []) lines.push(`Scanning: ${slackCode(`${finding.rule} in ${finding.field}: ${finding.message}`)}`);
  return lines;
}
