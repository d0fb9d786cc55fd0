// Every Kubernetes manifest in deploy/k8s validates against the Kubernetes schema of its kind (kubernetes-models),
// and the workloads have what an operator expects: probes, resource requests, autoscaling for the stateless tiers.
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "k8s");
// A solution made with `dotnet new mcpstack --web false` has no web tier.
const web = existsSync(path.join(dir, "..", "..", "web"));
const files = readdirSync(dir).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml");
const docs = files.flatMap((file) =>
  parseAllDocuments(readFileSync(path.join(dir, file), "utf8")).map((d, i) => {
    assert.equal(d.errors.length, 0, `${file} #${i}: ${d.errors.join("; ")}`);
    return { file, doc: d.toJS() };
  }),
);

async function modelFor(apiVersion, kind) {
  const module = await import(`kubernetes-models/${apiVersion}/${kind}`);
  return module[kind] ?? module.default;
}

for (const { file, doc } of docs) {
  test(`${file}: ${doc.kind} ${doc.metadata?.name} is a valid ${doc.apiVersion} ${doc.kind}`, async () => {
    const Model = await modelFor(doc.apiVersion, doc.kind);
    assert.ok(Model, `no schema for ${doc.apiVersion} ${doc.kind}`);
    new Model(doc).validate();
  });
}

test("kustomization.yaml lists every manifest but the secret example", () => {
  const kustomization = parseAllDocuments(readFileSync(path.join(dir, "kustomization.yaml"), "utf8"))[0].toJS();
  assert.deepEqual([...kustomization.resources].sort(), files.filter((f) => f !== "secret.example.yaml").sort());
});

test("every Deployment has readiness and liveness probes, resource requests and a non-root security context", () => {
  const deployments = docs.filter((d) => d.doc.kind === "Deployment");
  assert.deepEqual(deployments.map((d) => d.doc.metadata.name).sort(), web ? ["api", "mcp", "web"] : ["api", "mcp"]);
  for (const { doc } of deployments) {
    assert.equal(doc.spec.template.spec.securityContext.runAsNonRoot, true, doc.metadata.name);
    for (const container of doc.spec.template.spec.containers) {
      assert.ok(container.readinessProbe?.httpGet, `${doc.metadata.name}: readiness probe`);
      assert.ok(container.livenessProbe?.httpGet, `${doc.metadata.name}: liveness probe`);
      assert.ok(container.resources?.requests?.cpu && container.resources?.requests?.memory, `${doc.metadata.name}: requests`);
    }
  }
});

test("the stateless tiers (api, mcp) scale horizontally", () => {
  const hpas = docs.filter((d) => d.doc.kind === "HorizontalPodAutoscaler").map((d) => d.doc.spec.scaleTargetRef.name).sort();
  assert.deepEqual(hpas, ["api", "mcp"]);
});

test("secrets come from the Secret, never from plain values", () => {
  const secretNames = /SECRET|PEM|PASSWORD|API_KEY|DATABASE_URL/;
  for (const { file, doc } of docs.filter((d) => d.doc.kind !== "Secret")) {
    const containers = [...(doc.spec?.template?.spec?.containers ?? []), ...(doc.spec?.template?.spec?.initContainers ?? [])];
    for (const env of containers.flatMap((c) => c.env ?? [])) {
      if (secretNames.test(env.name)) assert.ok(env.valueFrom?.secretKeyRef, `${file}: ${env.name} must come from a Secret`);
    }
  }
});

test("api and mcp leave gracefully: the grace period covers the readiness delay and the drain time", () => {
  const seconds = (span) => span.split(":").reduce((total, part) => total * 60 + Number(part), 0);
  for (const name of ["api", "mcp"]) {
    const { doc } = docs.find((d) => d.doc.kind === "Deployment" && d.doc.metadata.name === name);
    const env = Object.fromEntries(doc.spec.template.spec.containers[0].env.map((e) => [e.name, e.value]));
    const delay = seconds(env.Shutdown__ReadinessDelay), drain = seconds(env.Shutdown__DrainTime);
    assert.ok(delay >= 5, `${name}: readiness turns red for a while before the pod stops listening`);
    assert.ok(doc.spec.template.spec.terminationGracePeriodSeconds > delay + drain, `${name}: terminationGracePeriodSeconds > ${delay} + ${drain}`);
  }
});

test("the api checks its delegation key against the JWKS the MCP server reads", () => {
  const envOf = (name) => Object.fromEntries(docs.find((d) => d.doc.kind === "Deployment" && d.doc.metadata.name === name).doc.spec.template.spec.containers[0].env.map((e) => [e.name, e.value]));
  assert.equal(envOf("api").Delegation__JwksUrl, envOf("mcp").Auth__Issuers__0__JwksUrl);
});
