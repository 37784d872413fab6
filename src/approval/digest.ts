// The digest that binds an approval to one call's exact arguments. It is the audit log's digest, so a
// ticket and the call records about it carry the same value.
export { canonicalJson, digestArguments } from '../audit/canonical.js';
