// Reading a gateway's /metrics in tests: where it listens, a scrape, and one sample's value.
import { eventually } from '../e2e/harness.js';

/** The `metrics: URL` line a gateway started with `--metrics` prints. */
export async function metricsUrlOf(stderr: () => string): Promise<string> {
  let url: string | undefined;
  await eventually(() => (url = /metrics: (http:\/\/\S+\/metrics)/.exec(stderr())?.[1]) !== undefined).catch(() => {
    throw new Error(`The gateway printed no metrics URL:\n${stderr()}`);
  });
  return url!;
}

/** The exposition text; throws on any status but 200. */
export async function scrape(url: string, token?: string): Promise<string> {
  const response = await fetch(url, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${text}`);
  return text;
}

/** The value of the sample `name` whose labels are exactly `labels`; undefined when there is none. */
export function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) found[pair[1]!] = pair[2]!;
    const keys = Object.keys(labels);
    if (Object.keys(found).length === keys.length && keys.every((key) => found[key] === labels[key])) return Number(match[3]);
  }
  return undefined;
}
