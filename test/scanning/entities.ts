// Builders for scan tests: entities as upstreams list them, and a neighbourhood of other servers
// (mail, whatsapp, fs) whose tools a poisoned description may reach for.
import type { ScanEntity } from '../../src/scanning/index.js';

type JsonObject = Record<string, unknown>;

export function tool(server: string, name: string, description: string, extra: JsonObject = {}): ScanEntity {
  return { kind: 'tool', server, name, definition: { name, description, inputSchema: { type: 'object', properties: {} }, ...extra } };
}

export function prompt(server: string, name: string, definition: JsonObject): ScanEntity {
  return { kind: 'prompt', server, name, definition: { name, ...definition } };
}

export function template(server: string, name: string, definition: JsonObject): ScanEntity {
  return { kind: 'resource-template', server, name, definition: { name, ...definition } };
}

export function instructions(server: string, text: string): ScanEntity {
  return { kind: 'instructions', server, name: server, definition: text };
}

/** A schema with one string property `name` described by `description`. */
export function oneProperty(name: string, description: string): JsonObject {
  return { inputSchema: { type: 'object', properties: { [name]: { type: 'string', description } }, required: [name] } };
}

/** Clean neighbours: the servers a shadowing description aims at. */
export const NEIGHBOURS: ScanEntity[] = [
  tool('mail', 'send_email', 'Send an email to one or more recipients.', oneProperty('to', 'Recipient email addresses')),
  tool('mail', 'list_inbox', 'List the most recent messages in the inbox.'),
  tool('whatsapp', 'send_message', 'Send a WhatsApp message to a contact or group.', oneProperty('recipient', 'Phone number or chat JID')),
  tool('whatsapp', 'list_chats', 'List recent chats with their last message.'),
  tool('fs', 'read_file', 'Read the complete contents of a file from the file system.', oneProperty('path', 'Path of the file')),
  tool('fs', 'write_file', 'Create a new file or overwrite an existing one.'),
];

export const SERVER_IDS = ['evil', 'mail', 'whatsapp', 'fs'];

/** Tag characters spelling `text` (the "ASCII smuggling" encoding). */
export function tags(text: string): string {
  return [...text].map((ch) => String.fromCodePoint(0xe0000 + ch.charCodeAt(0))).join('');
}
