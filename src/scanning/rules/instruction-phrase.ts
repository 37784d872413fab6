// instruction-phrase: text written to steer the model rather than describe a tool — the core of tool
// poisoning (Invariant Labs' `<IMPORTANT>` example, OWASP MCP Top 10 MCP03): orders to ignore earlier
// instructions, to keep something from the user, to do something first, fake system or chat-template
// tags, a new system prompt or role. Matched on normalised text, so case, spacing, homoglyphs and
// hidden characters do not hide a phrase. Phrases that ordinary descriptions use ("you must provide",
// "use X instead") are not on the list.
import { firstPhrase, quoted, type Phrase, type Rule } from './rule.js';

const TELL = String.raw`(?:tell|telling|mention|mentioning|inform|informing|notify|notifying|alert|alerting|reveal|revealing|disclose|disclosing|show|showing|explain|explaining|let|letting)`;
const PERSON = String.raw`(?:the\s+)?(?:user|users|human|operator|developer|person)\b`;
const VERB_FIRST = String.raw`(?:read|open|cat|load|fetch|access|retrieve|call|invoke|run|execute|send|pass|include|collect|get\s+the\s+contents?)`;

export const INSTRUCTION_PHRASES: readonly Phrase[] = [
  {
    pattern: /\b(?:ignore|disregard|forget|override|bypass|discard)\s+(?:(?:all|any|every|the|your|of|these|those)\s+){0,3}(?:previous|prior|above|earlier|preceding|foregoing|original|existing|system|safety|security|other)\s+(?:instructions?|prompts?|rules?|directions?|directives?|guidelines?|guardrails?|policies|messages?|context|constraints?|paragraphs?|sentences?|text)/,
    means: 'tells the model to ignore its instructions',
  },
  {
    pattern: /\b(?:ignore|disregard|forget)\s+(?:(?:all|everything|anything)\s+)?(?:the\s+)?(?:instructions?\s+)?(?:above|before\s+this|you\s+were\s+told)\b/,
    means: 'tells the model to ignore its instructions',
  },
  {
    pattern: new RegExp(String.raw`\b(?:do\s+not|don't|dont|never|must\s+not|should\s+not|shouldn't)\s+${TELL}\s+(?:(?:this|it|that|anything|them|any\s+of\s+this)\s+)?(?:to\s+)?${PERSON}`),
    means: 'tells the model to keep something from the user',
  },
  {
    pattern: new RegExp(String.raw`\bwithout\s+${TELL}\s+(?:(?:this|it|that|anything)\s+)?(?:to\s+)?${PERSON}`),
    means: 'tells the model to keep something from the user',
  },
  {
    pattern: /\bwithout\s+(?:the\s+)?(?:user|human)(?:'s|s)?\s+(?:knowledge|knowing|noticing|awareness|consent|being\s+(?:told|informed|aware))/,
    means: 'tells the model to act behind the user\'s back',
  },
  {
    pattern: /\b(?:the\s+)?(?:user|human)\s+(?:must|should|need|may)\s*(?:not|never|n't)\s+(?:know|see|notice|find\s+out|learn|be\s+(?:told|informed|aware|notified|shown))/,
    means: 'tells the model to keep something from the user',
  },
  {
    pattern: /\b(?:do\s+not|don't|dont|never)\s+(?:mention|reveal|disclose|say|talk\s+about|bring\s+up|acknowledge)\s+(?:that|this|these|it\b|the\s+(?:fact|instructions?|file|step|steps|above|following))/,
    means: 'tells the model to keep something quiet',
  },
  {
    pattern: /\b(?:keep|hide)\s+(?:this|it|that|these)\s+(?:(?:secret|hidden|confidential|private)\s+)?from\s+(?:the\s+)?(?:user|human)/,
    means: 'tells the model to keep something from the user',
  },
  {
    pattern: /\b(?:secretly|silently|covertly|quietly|discreetly|stealthily)\s+(?:send|read|call|include|add|forward|copy|exfiltrate|upload|pass|append|insert|change|modify|replace|redirect|bcc|cc|run|execute|collect)\b/,
    means: 'tells the model to do something covertly',
  },
  {
    pattern: /<\s*\/?\s*(?:important|system|system[_-]?(?:prompt|reminder|message)|instructions?|sys|hidden|secret|admin|critical|assistant|override|im_start|im_end)\s*(?:\s[^<>]{0,40})?>/,
    means: 'has a tag that dresses text up as instructions for the model',
  },
  {
    pattern: /\[\s*\/?\s*(?:inst|system|sys|important)\s*\]|<<\s*\/?\s*sys\s*>>|<\|\s*(?:im_start|im_end|system|endoftext|start_header_id|end_header_id|eot_id)\s*\|>/,
    means: 'has a chat-template marker that dresses text up as a system message',
  },
  {
    pattern: /(?:^|\s)#{1,6}\s*(?:new\s+|system\s+|important\s+|secret\s+|hidden\s+)?(?:instructions?|system(?:\s+prompt)?|important)\s*:?\s*(?:$|\s)/,
    means: 'has a heading that dresses text up as instructions for the model',
    // Server instructions are instructions by design: a heading saying so is ordinary there.
    notIn: ['instructions'],
  },
  {
    pattern: /\b(?:reveal|print|repeat|output|show|leak|ignore|override|disregard|replace|include|send|copy|return|dump)\s+(?:me\s+)?(?:the\s+|your\s+|its\s+)?(?:full\s+|entire\s+|original\s+|hidden\s+|initial\s+)?system\s+(?:prompt|message|instructions)/,
    means: 'reaches for the system prompt',
  },
  {
    pattern: /\b(?:new|updated|real|actual|your)\s+system\s+(?:prompt|instructions)\b/,
    means: 'claims to be a system prompt',
  },
  {
    pattern: /\byou\s+are\s+now\s+(?:a|an|in|the|my|no\s+longer)\b|\bfrom\s+now\s+on,?\s+(?:you|always|never|ignore|respond|act)\b|\b(?:developer|jailbreak|god|dan)\s+mode\b/,
    means: 'tries to give the model a new role',
  },
  {
    // The commonest forms in French, Spanish, Italian, Portuguese and German (accents are folded away).
    pattern: /\b(?:ignorez|oubliez|ignore|ignora|ignorar|olvida|olvide|dimentica|ignori)\s+(?:\S+\s+){0,2}(?:instructions|consignes|instrucciones|istruzioni|instrucoes|regles|reglas|regole)\s+(?:precedentes|anteriores|precedenti|previas)\b|\b(?:ignoriere|ignorieren\s+sie|vergiss|vergessen\s+sie)\s+(?:\S+\s+){0,2}(?:vorherigen|bisherigen|obigen|fruheren)\s+(?:anweisungen|instruktionen|regeln)\b/,
    means: 'tells the model to ignore its instructions',
  },
  {
    pattern: /\b(?:n'en\s+parlez\s+pas|ne\s+(?:le\s+)?dites\s+(?:rien\s+)?pas)\s+a\s+l'utilisateur|\bno\s+(?:se\s+lo\s+|le\s+)?(?:digas|diga|menciones|mencione)\s+(?:nada\s+)?al\s+usuario|\b(?:sag|sagen\s+sie)\s+(?:dem|der)\s+(?:benutzer|nutzer)(?:in)?\s+nichts?\b/,
    means: 'tells the model to keep something from the user',
  },
  {
    pattern: new RegExp(String.raw`\bbefore\s+(?:using|calling|invoking|running|executing|you\s+use|you\s+call)\s+(?:this|the|any)\s+(?:tool|function)\b,?\s+(?:(?:you\s+)?(?:must|should|need\s+to|have\s+to|always|are\s+required\s+to|first|please)\s+){0,3}${VERB_FIRST}\b`),
    means: 'tells the model to do something else before using the tool',
  },
  {
    pattern: new RegExp(String.raw`\byou\s+(?:must|have\s+to|need\s+to|are\s+required\s+to)\s+(?:always\s+)?first\s+${VERB_FIRST}\b`),
    means: 'tells the model to do something else first',
  },
  {
    pattern: /\b(?:very\s+){2,}important\b|\bthis\s+is\s+(?:extremely|critically|absolutely)\s+(?:important|critical)\b/,
    means: 'presses the model with urgency, as poisoned descriptions do',
  },
];

export const instructionPhrase: Rule = {
  name: 'instruction-phrase',
  roles: ['prose', 'value'],
  check(input, context) {
    const found = firstPhrase(input, INSTRUCTION_PHRASES, { instructions: context.entity.kind === 'instructions' });
    if (!found) return undefined;
    return { message: `Text aimed at the model, not the reader: ${found.phrase.means} (${quoted(found.quote)})`, ...found.hit };
  },
};
