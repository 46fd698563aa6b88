/**
 * deployment/kubernetes/: every manifest kustomization.yaml lists (and secret.example.yaml) is
 * validated offline against the Kubernetes OpenAPI schemas that kubernetes-models ships compiled
 * (test/support/kubernetes-validate.mjs, run with node: the package is ES-module only). The schema
 * checks types, enums and required fields but not unknown fields, so what the app depends on is
 * asserted by exact path here: the probes hit /health/live and /health/ready on PORT, every
 * environment variable is one the server reads, the HPA scales the worker Deployment, the PDBs
 * and Services select the pods they are meant for, and the grace period covers the drain.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load, loadAll } from 'js-yaml';
import { CONFIG_SPEC } from '../src/config/app-config';

const ROOT = join(__dirname, '..');
const DIR = join(ROOT, 'deployment', 'kubernetes');
const VALIDATOR = join(__dirname, 'support', 'kubernetes-validate.mjs');
const CONFIG_NAMES = new Set(Object.values(CONFIG_SPEC).map((s) => s.name));

jest.setTimeout(60_000);

type Labels = Record<string, string>;
interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Labels };
  readonly spec?: unknown;
  readonly data?: Record<string, string>;
  readonly stringData?: Record<string, string>;
}
interface HttpGet { readonly path?: string; readonly port?: number | string }
interface Probe { readonly httpGet?: HttpGet }
interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef?: { readonly name: string; readonly key: string; readonly optional?: boolean } };
}
interface Container {
  readonly name: string;
  readonly image: string;
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number }[];
  readonly env?: readonly EnvVar[];
  readonly envFrom?: readonly { readonly configMapRef?: { readonly name: string } }[];
  readonly livenessProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly startupProbe?: Probe;
  readonly lifecycle?: { readonly preStop?: { readonly exec?: { readonly command: readonly string[] } } };
  readonly resources?: { readonly requests?: { readonly cpu?: string; readonly memory?: string }; readonly limits?: { readonly memory?: string } };
  readonly securityContext?: { readonly readOnlyRootFilesystem?: boolean; readonly allowPrivilegeEscalation?: boolean };
}
interface DeploymentSpec {
  readonly replicas?: number;
  readonly selector: { readonly matchLabels: Labels };
  readonly template: {
    readonly metadata: { readonly labels: Labels };
    readonly spec: {
      readonly terminationGracePeriodSeconds?: number;
      readonly securityContext?: { readonly runAsNonRoot?: boolean; readonly runAsUser?: number };
      readonly containers: readonly Container[];
    };
  };
}
interface Kustomization { readonly kind: string; readonly namespace?: string; readonly resources: readonly string[] }
interface ValidationResult { readonly apiVersion: string; readonly kind: string; readonly name?: string; readonly errors: readonly string[] }

function readObjects(file: string): K8sObject[] {
  return (loadAll(readFileSync(join(DIR, file), 'utf8')) as (K8sObject | null)[]).filter((o): o is K8sObject => o !== null);
}

function validate(objects: readonly unknown[]): Promise<ValidationResult[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [VALIDATOR], { cwd: ROOT, timeout: 30_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kubernetes-validate.mjs failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout) as ValidationResult[]);
    });
    child.stdin?.end(JSON.stringify(objects));
  });
}

/** A selector matches a pod when every matchLabels pair is among the pod's labels. */
function selects(selector: Labels | undefined, labels: Labels): boolean {
  const pairs = Object.entries(selector ?? {});
  return pairs.length > 0 && pairs.every(([k, v]) => labels[k] === v);
}

const kustomization = load(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8')) as Kustomization;
const objects = kustomization.resources.flatMap(readObjects);
const secretExample = readObjects('secret.example.yaml');

function find(kind: string, name: string): K8sObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name} in the kustomization's resources`);
  return o;
}
const api = find('Deployment', 'quantdesk-api');
const worker = find('Deployment', 'quantdesk-worker');
const deployments = { api, worker };
const specOf = (d: K8sObject): DeploymentSpec => d.spec as DeploymentSpec;
const containerOf = (d: K8sObject): Container => {
  const cs = specOf(d).template.spec.containers;
  expect(cs).toHaveLength(1);
  return cs[0];
};
const configMap = find('ConfigMap', 'quantdesk-config');
const port = Number(configMap.data?.PORT ?? CONFIG_SPEC.port.default);

describe('Kubernetes manifests (deployment/kubernetes)', () => {
  it('kustomization.yaml lists every manifest of the folder but the secret example, and sets the namespace it creates', () => {
    expect(kustomization.kind).toBe('Kustomization');
    const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml' && f !== 'secret.example.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    const ns = objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name);
    expect(ns).toEqual([kustomization.namespace]);
  });

  it('every manifest is valid against the Kubernetes API schemas', async () => {
    const all = [...objects, ...secretExample];
    const results = await validate(all);
    expect(results).toHaveLength(all.length);
    expect(results.filter((r) => r.errors.length > 0)).toEqual([]);
    expect(new Set(results.map((r) => `${r.apiVersion} ${r.kind}`))).toEqual(
      new Set(['v1 Namespace', 'v1 ConfigMap', 'v1 Secret', 'v1 Service', 'apps/v1 Deployment', 'autoscaling/v2 HorizontalPodAutoscaler', 'policy/v1 PodDisruptionBudget']),
    );
  });

  it('the schema check bites: a wrong type, a missing field and an unknown kind are reported', async () => {
    const broken = JSON.parse(JSON.stringify(api)) as { spec: { template: { spec: { containers: { ports: { containerPort: unknown }[] }[] } }; selector?: unknown } };
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    delete broken.spec.selector;
    const [deployment, unknown] = await validate([broken, { apiVersion: 'autoscaling/v9', kind: 'HorizontalPodAutoscaler', metadata: { name: 'x' } }]);
    expect(deployment.errors).toEqual(
      expect.arrayContaining([expect.stringMatching(/containerPort must be integer/), expect.stringMatching(/must have required property .?selector/)]),
    );
    expect(unknown.errors).toEqual([expect.stringMatching(/unknown apiVersion\/kind/)]);
  });

  it.each(Object.entries(deployments))('%s: probes on PORT, liveness /health/live, readiness /health/ready', (_, d) => {
    const c = containerOf(d);
    const named = new Map((c.ports ?? []).map((p) => [p.name, p.containerPort]));
    const portOf = (p: Probe | undefined): number | undefined => (typeof p?.httpGet?.port === 'string' ? named.get(p.httpGet.port) : p?.httpGet?.port);
    expect(c.livenessProbe?.httpGet?.path).toBe('/health/live');
    expect(c.readinessProbe?.httpGet?.path).toBe('/health/ready');
    expect(c.startupProbe?.httpGet?.path).toBe('/health/live');
    for (const p of [c.livenessProbe, c.readinessProbe, c.startupProbe]) expect(portOf(p)).toBe(port);
  });

  it.each(Object.entries(deployments))('%s: its role, and only environment variables the server reads', (role, d) => {
    const c = containerOf(d);
    const env = c.env ?? [];
    expect(env.find((e) => e.name === 'QUANTDESK_ROLE')?.value).toBe(role);
    expect(env.map((e) => e.name).filter((n) => !CONFIG_NAMES.has(n))).toEqual([]);
    expect(new Set(env.map((e) => e.name)).size).toBe(env.length);
    expect(c.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }]);
    // Secrets by reference only, to the Secret whose shape secret.example.yaml shows.
    const secretKeys = Object.keys(secretExample[0].stringData ?? {});
    for (const e of env.filter((x) => x.valueFrom)) {
      expect(e.valueFrom?.secretKeyRef).toMatchObject({ name: secretExample[0].metadata.name, key: e.name });
      expect(secretKeys).toContain(e.valueFrom?.secretKeyRef?.key);
    }
    for (const name of ['DATABASE_URL', 'REDIS_URL']) expect(env.find((e) => e.name === name)?.valueFrom?.secretKeyRef?.optional).toBeUndefined();
  });

  it('the ConfigMap holds only server settings, each a value the server accepts, and no secret', () => {
    for (const [key, value] of Object.entries(configMap.data ?? {})) {
      const spec = Object.values(CONFIG_SPEC).find((s) => s.name === key);
      expect({ key, known: spec !== undefined }).toEqual({ key, known: true });
      expect(() => spec?.parse(value === '' ? spec.default : value, key)).not.toThrow();
      expect(['DATABASE_URL', 'REDIS_URL', 'METRICS_TOKEN', 'QUANTDESK_ROLE']).not.toContain(key);
    }
  });

  it('secret.example.yaml holds placeholders only', () => {
    expect(secretExample).toHaveLength(1);
    for (const [key, value] of Object.entries(secretExample[0].stringData ?? {})) {
      expect({ key, placeholder: value === 'change-me' || /:change-me@/.test(value) }).toEqual({ key, placeholder: true });
    }
  });

  it('runs two API replicas, both roles from one image, non-root with a read-only root filesystem', () => {
    expect(specOf(api).replicas).toBe(2);
    expect(containerOf(worker).image).toBe(containerOf(api).image);
    // The Dockerfile's runtime user is `node`, uid 1000 in the node images.
    expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/^USER node$/m);
    for (const d of [api, worker]) {
      expect(specOf(d).template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      expect(containerOf(d).securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      expect(containerOf(d).resources?.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(containerOf(d).resources?.limits?.memory).toEqual(expect.any(String));
    }
  });

  it.each(Object.entries(deployments))('%s: the grace period outlasts preStop plus SHUTDOWN_TIMEOUT_MS', (_, d) => {
    const c = containerOf(d);
    const shutdownMs = Number(c.env?.find((e) => e.name === 'SHUTDOWN_TIMEOUT_MS')?.value ?? CONFIG_SPEC.shutdownTimeoutMs.default);
    const cmd = c.lifecycle?.preStop?.exec?.command ?? [];
    const preStopMs = cmd[0] === 'sleep' ? Number(cmd[1]) * 1000 : 0;
    expect(Number.isFinite(shutdownMs) && Number.isFinite(preStopMs)).toBe(true);
    expect((specOf(d).template.spec.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(preStopMs + shutdownMs);
  });

  it.each(Object.entries(deployments))('%s: the selector matches its own pod template', (_, d) => {
    expect(selects(specOf(d).selector.matchLabels, specOf(d).template.metadata.labels)).toBe(true);
  });

  it('the HPA (autoscaling/v2) scales the worker Deployment on CPU, which the worker requests', () => {
    const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
    expect(hpas).toHaveLength(1);
    const spec = hpas[0].spec as {
      scaleTargetRef: { apiVersion: string; kind: string; name: string };
      minReplicas: number;
      maxReplicas: number;
      metrics: { type: string; resource?: { name: string } }[];
    };
    expect(hpas[0].apiVersion).toBe('autoscaling/v2');
    expect(spec.scaleTargetRef).toEqual({ apiVersion: worker.apiVersion, kind: 'Deployment', name: worker.metadata.name });
    expect(spec.minReplicas).toBeGreaterThanOrEqual(1);
    expect(spec.maxReplicas).toBeGreaterThan(spec.minReplicas);
    expect(spec.metrics).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) })]));
    expect(containerOf(worker).resources?.requests?.cpu).toBeDefined();
  });

  it('each PodDisruptionBudget (policy/v1) selects the pods of exactly one role', () => {
    const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget');
    const covered = pdbs.map((p) => {
      expect(p.apiVersion).toBe('policy/v1');
      const selector = (p.spec as { selector: { matchLabels: Labels } }).selector.matchLabels;
      return Object.entries(deployments)
        .filter(([, d]) => selects(selector, specOf(d).template.metadata.labels))
        .map(([role]) => role);
    });
    expect(covered.sort()).toEqual([['api'], ['worker']]);
  });

  it('the api Service selects the api pods only, on their http port; the worker Service exposes only metrics', () => {
    const services = objects.filter((o) => o.kind === 'Service');
    const selected = (s: K8sObject): string[] =>
      Object.entries(deployments)
        .filter(([, d]) => selects((s.spec as { selector: Labels }).selector, specOf(d).template.metadata.labels))
        .map(([role]) => role);
    const apiService = find('Service', 'quantdesk-api');
    expect(selected(apiService)).toEqual(['api']);
    expect((apiService.spec as { type?: string }).type ?? 'ClusterIP').toBe('ClusterIP');
    const apiPorts = (apiService.spec as { ports: { targetPort: string | number }[] }).ports;
    const named = new Map((containerOf(api).ports ?? []).map((p) => [p.name, p.containerPort]));
    expect(apiPorts.map((p) => (typeof p.targetPort === 'string' ? named.get(p.targetPort) : p.targetPort))).toEqual([port]);
    const others = services.filter((s) => s !== apiService);
    expect(others.map((s) => ({ name: s.metadata.name, selects: selected(s) }))).toEqual([{ name: 'quantdesk-worker-metrics', selects: ['worker'] }]);
  });
});
