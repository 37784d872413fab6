// The Kubernetes manifests in deploy/kubernetes: each one read by kubectl (the real tool), the
// properties the docs promise checked on the parsed objects, and the ConfigMap's gateway.yaml
// validated by `mcp-warden check`.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-explicit-any --
   manifests are untyped YAML; the assertions below are what check their shape. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, expect, test } from 'vitest';
import { BIN, ROOT } from '../e2e/harness.js';

const DIR = join(ROOT, 'deploy/kubernetes');
const KUBECTL = '/usr/bin/kubectl';
const FILES = readdirSync(DIR).filter((name) => name.endsWith('.yaml')).sort();
const hasKubectl = existsSync(KUBECTL);
if (!hasKubectl) console.warn(`Skipping the kubectl checks of deploy/kubernetes: ${KUBECTL} is not installed`);

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [key: string]: any };

function objectsIn(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((doc) => {
    expect(doc.errors, file).toEqual([]);
    return doc.toJS() as K8sObject;
  });
}
const all = () => FILES.flatMap((file) => objectsIn(file));
const find = (kind: string, name: string): K8sObject => {
  const found = all().find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`No ${kind} "${name}" in deploy/kubernetes`);
  return found;
};

function kubectl(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(KUBECTL, args, { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: mkdtempSync(join(tmpdir(), 'kubectl-home-')) }, timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

let offline: string | undefined;
beforeAll(() => {
  if (!hasKubectl) return;
  const probe = kubectl(['create', '--dry-run=client', '-f', join(DIR, 'pdb.yaml'), '-o', 'name']);
  if (probe.code !== 0 && /connection refused|couldn't get current server API|unable to recognize|no such host/i.test(probe.stderr)) {
    offline =
      'kubectl create --dry-run=client needs the API server (it maps kinds through discovery, even with --validate=false) and no cluster is reachable here; ' +
      'each manifest is decoded offline into kubectl\'s built-in types instead (kubectl set env --local), which rejects unknown kinds and apiVersions and mistyped fields';
    console.warn(offline);
  }
});

test.skipIf(!hasKubectl).each(FILES)('kubectl reads %s', (file) => {
  const path = join(DIR, file);
  const names = objectsIn(file).map((object) => `${object.kind}/${object.metadata.name}`.toLowerCase());
  if (!offline) {
    const run = kubectl(['create', '--dry-run=client', '-f', path, '-o', 'name']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(names.length);
    return;
  }
  // Decoding is done for every object; objects without a pod template are then refused with a message that says so, which is not a decoding error.
  const run = kubectl(['set', 'env', '--local', '-f', path, '-o', 'name', 'MCP_WARDEN_CHECK=1']);
  expect(run.stderr).not.toMatch(/unable to decode|no kind|is not registered|cannot unmarshal|error parsing/i);
  const decoded = run.stdout.trim().split('\n').filter(Boolean).length + (run.stderr.match(/is not a pod or does not have a pod template/g) ?? []).length;
  expect(decoded).toBe(names.length);
});

test('offline decoding catches what it is trusted to catch', () => {
  if (!hasKubectl || !offline) return;
  const dir = mkdtempSync(join(tmpdir(), 'k8s-bad-'));
  for (const [name, text] of [
    ['kind.yaml', 'apiVersion: apps/v1\nkind: Deploymnt\nmetadata: {name: x}\n'],
    ['type.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {replicas: "two"}\n'],
    ['port.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{port: "abc"}]}\n'],
  ]) {
    writeFileSync(join(dir, name!), text!);
    expect(kubectl(['set', 'env', '--local', '-f', join(dir, name!), '-o', 'name', 'A=B']).stderr, name).toMatch(/unable to decode/);
  }
});

test('every manifest has the kinds and fields the deployment needs', () => {
  const kinds = all().map((object) => `${object.kind}/${object.metadata.name}`).sort();
  expect(kinds).toEqual(
    [
      'ConfigMap/mcp-warden-config',
      'ConfigMap/mcp-warden-haproxy',
      'Deployment/mcp-warden',
      'Deployment/mcp-warden-haproxy',
      'Ingress/mcp-warden',
      'PodDisruptionBudget/mcp-warden',
      'Secret/mcp-warden-secrets',
      'Service/mcp-warden',
      'Service/mcp-warden-replicas',
    ].sort(),
  );
  for (const object of all()) {
    expect(object.apiVersion, object.kind).toMatch(/^(v1|apps\/v1|policy\/v1|networking\.k8s\.io\/v1)$/);
    expect(object.metadata.name).toMatch(/^[a-z0-9-]+$/);
  }
});

test('the gateway Deployment: 2 replicas, probes, resources, non-root, read-only root, config mounted as a directory', () => {
  const deployment = find('Deployment', 'mcp-warden');
  expect(deployment.spec.replicas).toBe(2);
  const pod = deployment.spec.template.spec;
  expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
  expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
  const [container] = pod.containers;
  expect(container.args).toEqual(expect.arrayContaining(['serve', '--http', '0.0.0.0:8787', '--config', '/etc/mcp-warden/gateway.yaml']));
  expect(container.livenessProbe.httpGet.path).toBe('/healthz');
  expect(container.readinessProbe.httpGet.path).toBe('/readyz');
  expect(container.resources.requests).toBeDefined();
  expect(container.resources.limits).toBeDefined();
  expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  const configMount = container.volumeMounts.find((mount: { mountPath: string }) => mount.mountPath === '/etc/mcp-warden');
  // subPath would freeze the file: edits to the ConfigMap would never reach hot reload.
  expect(configMount.subPath).toBeUndefined();
  const volume = pod.volumes.find((v: { name: string }) => v.name === configMount.name);
  expect(volume.configMap.name).toBe('mcp-warden-config');
  expect(container.envFrom[0].secretRef.name).toBe('mcp-warden-secrets');
  // Selectors line up: the Service, the PDB and the ingress reach these pods.
  const labels = deployment.spec.template.metadata.labels;
  expect(labels).toMatchObject(find('Service', 'mcp-warden-replicas').spec.selector);
  expect(labels).toMatchObject(find('PodDisruptionBudget', 'mcp-warden').spec.selector.matchLabels);
  expect(find('PodDisruptionBudget', 'mcp-warden').spec.minAvailable).toBe(1);
});

test('session affinity: HAProxy sticks on Mcp-Session-Id, the ingress hashes on it', () => {
  const haproxy = find('ConfigMap', 'mcp-warden-haproxy').data['haproxy.cfg'] as string;
  expect(haproxy).toContain('stick store-response res.hdr(mcp-session-id)');
  expect(haproxy).toContain('stick match req.hdr(mcp-session-id)');
  expect(haproxy).toContain('option httpchk GET /readyz');
  const ingress = find('Ingress', 'mcp-warden');
  expect(ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/upstream-hash-by']).toBe('$http_mcp_session_id');
});

test('the Secret holds only marked placeholders', () => {
  const secret = find('Secret', 'mcp-warden-secrets');
  for (const [key, value] of Object.entries(secret.stringData as Record<string, string>)) expect(value, key).toContain('CHANGE-ME');
});

test("mcp-warden check accepts the ConfigMap's gateway.yaml", () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-config-'));
  const file = join(dir, 'gateway.yaml');
  writeFileSync(file, find('ConfigMap', 'mcp-warden-config').data['gateway.yaml'] as string);
  const secret = find('Secret', 'mcp-warden-secrets').stringData as Record<string, string>;
  const run = spawnSync(process.execPath, [BIN, 'check', '--config', file], { encoding: 'utf8', cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir, ...secret } });
  expect(run.stderr).not.toMatch(/error/i);
  expect(run.status).toBe(0);
  // And it is the PostgreSQL store the replicas share.
  expect(readFileSync(file, 'utf8')).toMatch(/store:\s*\n\s*kind: postgres\s*\n\s*url: \$\{DATABASE_URL\}/);
});

test.skipIf(!existsSync('/usr/sbin/haproxy'))("haproxy -c accepts the in-cluster HAProxy config", () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-haproxy-'));
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, find('ConfigMap', 'mcp-warden-haproxy').data['haproxy.cfg'] as string);
  const run = spawnSync('/usr/sbin/haproxy', ['-c', '-f', file], { encoding: 'utf8' });
  expect(run.stdout + run.stderr).toContain('Configuration file is valid');
  expect(run.status).toBe(0);
});
