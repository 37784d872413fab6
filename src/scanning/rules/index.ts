// Every rule, in the order findings are listed for a field.
import { crossServerReference } from './cross-server.js';
import { exfiltration } from './exfiltration.js';
import { hiddenUnicode } from './hidden-unicode.js';
import { instructionPhrase } from './instruction-phrase.js';
import { oversized } from './oversized.js';
import type { Rule } from './rule.js';
import { sensitivePath } from './sensitive-path.js';

export const RULES: readonly Rule[] = [hiddenUnicode, instructionPhrase, crossServerReference, sensitivePath, exfiltration, oversized];

/** The rule names, as findings carry them. */
export const RULE_NAMES = RULES.map((rule) => rule.name);
