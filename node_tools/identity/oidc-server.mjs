// A real OIDC/OAuth 2 server (oauth2-mock-server from npm) for the staff-token tests.
// Usage: node oidc-server.mjs <port>. Prints "READY <issuer>" when listening.
// The token endpoint merges the JSON object in the form field `claims` into the
// token, so a test can ask for CIS2-style claims. Reading "rotate" on stdin adds a
// new signing key (the server then signs round-robin) and prints "ROTATED <kid>".
import { createInterface } from "node:readline";
import { OAuth2Server } from "oauth2-mock-server";

const port = Number(process.argv[2]);
const server = new OAuth2Server();
await server.issuer.keys.generate("RS256");
server.service.on("beforeTokenSigning", (token, req) => {
  if (req.body && typeof req.body.claims === "string") {
    Object.assign(token.payload, JSON.parse(req.body.claims));
  }
});
await server.start(port, "127.0.0.1");
console.log(`READY ${server.issuer.url}`);

const lines = createInterface({ input: process.stdin });
lines.on("line", async (line) => {
  if (line.trim() === "rotate") {
    const key = await server.issuer.keys.generate("RS256");
    console.log(`ROTATED ${key.kid}`);
  }
});
lines.on("close", async () => {
  await server.stop();
  process.exit(0);
});
