// Validates Kubernetes objects against the API's OpenAPI schemas, offline: kubernetes-models ships
// each kind's schema compiled to an ajv validator. It is ES-module only (exports has no `require`
// condition), which jest's CommonJS runtime cannot load, so test/kubernetes-manifests.spec.ts runs
// this script with node: a JSON array of objects on stdin, one result per object on stdout,
// {apiVersion, kind, name, errors} with errors [] when valid. An apiVersion/kind the package does
// not know is an error too, never a silent pass.
const input = await new Promise((resolve, reject) => {
  let text = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => (text += chunk));
  process.stdin.on('end', () => resolve(text));
  process.stdin.on('error', reject);
});

const results = [];
for (const obj of JSON.parse(input)) {
  const { apiVersion, kind } = obj;
  const name = obj?.metadata?.name;
  // Core group objects (apiVersion v1) live under kubernetes-models/v1/, others under <group>/<version>/.
  const modulePath = `kubernetes-models/${apiVersion}/${kind}`;
  let Model;
  try {
    Model = (await import(modulePath))[kind];
  } catch (err) {
    results.push({ apiVersion, kind, name, errors: [`unknown apiVersion/kind (${modulePath}): ${err.message}`] });
    continue;
  }
  if (typeof Model !== 'function') {
    results.push({ apiVersion, kind, name, errors: [`${modulePath} exports no ${kind}`] });
    continue;
  }
  try {
    new Model(obj).validate();
    results.push({ apiVersion, kind, name, errors: [] });
  } catch (err) {
    const errors = Array.isArray(err.errors) ? err.errors.map((e) => `${e.instancePath || '/'} ${e.message}`) : [String(err.message ?? err)];
    results.push({ apiVersion, kind, name, errors });
  }
}
process.stdout.write(JSON.stringify(results));
