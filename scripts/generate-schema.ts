// Writes schema/gateway.schema.json from the zod schema (`npm run schema`); a test fails when it is stale.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gatewayJsonSchemaText } from '../src/config/json-schema.js';

const target = fileURLToPath(new URL('../schema/gateway.schema.json', import.meta.url));
await writeFile(target, gatewayJsonSchemaText());
console.log(`Wrote ${target}`);
