// A token issuer for checks of the published services: an ES256 key, its JWKS served on loopback, tokens signed
// with node:crypto. The services validate these exactly as they validate Better Auth's or the api's.
import { createPrivateKey, generateKeyPairSync, randomUUID, sign } from "node:crypto";
import { createServer } from "node:http";

const b64url = (data) => Buffer.from(data).toString("base64url");

export async function startIssuer() {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const kid = randomUUID();
  const jwk = { ...publicKey.export({ format: "jwk" }), kid, alg: "ES256", use: "sig" };
  const server = createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  return {
    issuer,
    jwksUrl: `${issuer}/jwks.json`,
    token(sub, audience) {
      const now = Math.floor(Date.now() / 1000);
      const header = b64url(JSON.stringify({ alg: "ES256", typ: "JWT", kid }));
      const payload = b64url(JSON.stringify({ iss: issuer, aud: audience, sub, iat: now, nbf: now, exp: now + 600, scope: "tasks:read tasks:write" }));
      const signature = sign("sha256", Buffer.from(`${header}.${payload}`), { key: createPrivateKey(privateKey.export({ format: "pem", type: "pkcs8" })), dsaEncoding: "ieee-p1363" });
      return `${header}.${payload}.${b64url(signature)}`;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
