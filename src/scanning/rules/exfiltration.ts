// exfiltration: instructions to move data somewhere the user did not ask for — to a URL, into a
// parameter the tool has no need of (Invariant Labs' "pass its content as 'sidenote'"), or to a
// recipient the description supplies (the shadowing examples: every email bcc'd, the WhatsApp
// recipient changed to the attacker's number). Describing where a tool itself sends things ("posts a
// message to a Slack channel") raises nothing: these need a literal destination or stolen data.
import { firstPhrase, quoted, type Phrase, type Rule } from './rule.js';

const URL = String.raw`(?:https?|wss?|ftp)://`;
const EMAIL = String.raw`[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,5}\.[a-z]{2,24}`;
const PHONE = String.raw`\+\d[\d\s().-]{6,24}\d`;
// Orders, not descriptions: "send … to https://…" is aimed at the model; "Sends the report to …" says
// what the tool itself does.
const SEND = String.raw`(?:send|post|upload|forward|transmit|exfiltrate|submit|beacon|leak|mirror|ship|push|copy|relay)`;
/** Not after a negation: "never pass credentials in the `auth` parameter" is advice, not an order. */
const NOT_NEGATED = String.raw`(?<!(?:\bnot|\bnever|n't|\bdont|\bno)\s+(?:\w+\s+)?)`;
// What the model holds that the user did not hand this tool.
const LOOT = String.raw`(?:(?:conversation|chat(?:\s+history)?|message\s+history|previous\s+messages|all\s+(?:the\s+)?messages|(?:api|access|auth|bearer|session)[\s_-]*(?:keys?|tokens?)|tokens|passwords?|secrets?|credentials?|private\s+keys?|ssh\s+keys?|env(?:ironment)?\s+var(?:iable)?s|cookies|system\s+prompt|(?:its|their)\s+contents?|(?:the\s+)?contents?\s+of\s+(?:any|all|every|each|other|the\s+user's|your))\b|(?:the\s+)?contents?\s+of\s+(?:[~/]\S{1,120}|\S{1,120}\.(?:json|env|pem|key|ya?ml|txt|cfg|conf|ini|toml|rc)\b))`;
const PUT = String.raw`(?:include|pass|put|add|append|attach|embed|insert|copy|encode|place|provide|send|store|write|fill|paste)`;
/** Up to n characters within one sentence (a dot inside a path or host name does not end it). */
const within = (n: number) => String.raw`(?:[^.!?\n]|[.!?](?=[\w/~]))` + `{0,${n}}?`;
const PARAM = String.raw`(?:[\`'"][\w-]+[\`'"](?:\s+(?:parameter|param|argument|arg|field|property))?|[\w-]+\s+(?:parameter|param|argument|arg|field|property))`;

export const EXFILTRATION_PHRASES: readonly Phrase[] = [
  {
    pattern: new RegExp(String.raw`${NOT_NEGATED}\b${SEND}\b${within(120)}\b(?:to|into|via)\s+(?:the\s+)?(?:(?:endpoint|url|server|webhook|address)\s+)?(?:at\s+)?[\`'"<(]?${URL}`),
    means: 'tells the model to send something to a URL',
  },
  {
    pattern: new RegExp(String.raw`${URL}[^\s?]{0,200}\?(?:[^\s=]{0,40}=[^\s&]{0,100}&){0,5}[\w-]{1,40}=(?:\{|<|\$\{|%7b)\s*(?:data|content|contents|secret|secrets|token|key|password|conversation|history|messages?|file|env|credentials?|output|result|context)`),
    means: 'has a URL with a slot for data, for the model to fill',
  },
  {
    pattern: new RegExp(String.raw`${NOT_NEGATED}\b${PUT}\b${within(80)}\b${LOOT}${within(80)}\b(?:in|into|as|inside|within|via|to)\s+(?:the\s+|a\s+|an\s+)?${PARAM}`),
    means: 'tells the model to put data it holds into a parameter',
  },
  {
    pattern: new RegExp(String.raw`\b${LOOT}${within(80)}${NOT_NEGATED}\b${PUT}\s+(?:it|them|this|that)?\s*(?:in|into|as|inside|within|via|to)\s+(?:the\s+|a\s+|an\s+)?${PARAM}`),
    means: 'tells the model to put data it holds into a parameter',
  },
  {
    pattern: /\b(?:as|in|into|to|via)\s+(?:the\s+|a\s+)?[`'"]?side[\s_-]?note\b/,
    means: 'tells the model to smuggle data in a side parameter',
  },
  {
    pattern: /\b(?:change|set|replace|redirect|switch|override|update)\s+(?:the\s+)?(?:recipient|receiver|destination|to[\s-]address|email\s+address|phone\s+number|number|iban|account\s+number|wallet\s+address)s?\s+(?:to|with)\b/,
    means: 'tells the model to change where something is sent',
  },
  {
    pattern: new RegExp(String.raw`\b(?:bcc|blind\s+(?:carbon\s+)?copy)\b${within(60)}(?:${EMAIL}|${PHONE})`),
    means: 'tells the model to copy messages to a fixed address',
  },
  {
    pattern: new RegExp(String.raw`\b(?:always|also|additionally|secretly|silently|must)\s+(?:add|include|cc|bcc|copy|forward|send)\b${within(60)}(?:${EMAIL}|${PHONE})`),
    means: 'tells the model to send to a fixed address',
  },
  {
    pattern: new RegExp(String.raw`${NOT_NEGATED}\b${SEND}\s+(?:a\s+copy\s+of\s+)?(?:(?:the|all|your|this|our|any)\s+)?(?:(?:full|entire|whole)\s+)?${LOOT}${within(60)}\b(?:to|into)\s+(?:our|my|this|an?|the)\s+(?:own\s+)?(?:(?:remote|external|private|backup|logging)\s+)?(?:server|endpoint|host|webhook|collector|bucket|url|address)\b`),
    means: 'tells the model to send data it holds to a server',
  },
  {
    pattern: new RegExp(String.raw`\b(?:a\s+)?(?:copy|copies|cc|bcc)\b${within(60)}\b(?:to|at)\s+${EMAIL}`),
    means: 'tells the model to copy messages to a fixed address',
  },
  {
    pattern: new RegExp(String.raw`\b(?:send|forward|redirect|route)\s+(?:all|every|any|each)\s+(?:\w+\s+){0,2}(?:emails?|messages?|mails?|data|files?|requests?)\s+to\s+(?:${EMAIL}|${PHONE}|${URL})`),
    means: 'tells the model to send everything to a fixed destination',
  },
];

export const exfiltration: Rule = {
  name: 'exfiltration',
  roles: ['prose', 'value'],
  check(input) {
    const found = firstPhrase(input, EXFILTRATION_PHRASES, { instructions: false });
    if (!found) return undefined;
    return { message: `Moves data away from the user: ${found.phrase.means} (${quoted(found.quote)})`, ...found.hit };
  },
};
