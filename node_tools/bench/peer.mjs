// The peer: PostGraphile v5 (Amber preset) serving the benchmark database as the
// API role, with RLS. The tenant context comes from headers, exactly as the floor
// gets it: x-read-shas -> app.read_shas, x-write-shas -> app.write_shas.
// Env: PEER_DATABASE_URL (API role), PEER_SCHEMA (default cln), PEER_PORT, PEER_POOL_SIZE.
//
// Production settings as PostGraphile's "Production Considerations" give them:
// NODE_ENV/GRAPHILE_ENV=production (set by bench/servers.py), no GraphiQL/Ruru, no
// watch mode, no explain, a pool sized like the service's, and a statement timeout
// per transaction (the service sets one too). PEER_EXPLAIN=1 is for the plan check
// only (bench/honesty.py): responses then carry the SQL PostGraphile ran.
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.PEER_DATABASE_URL,
      schemas: [process.env.PEER_SCHEMA ?? "cln"],
      poolConfig: { max: Number(process.env.PEER_POOL_SIZE ?? 10) },
      pubsub: false,
      pgSettings(requestContext) {
        const headers = requestContext.node?.req?.headers ?? {};
        return {
          "app.read_shas": headers["x-read-shas"] ?? "",
          "app.write_shas": headers["x-write-shas"] ?? "",
          // the member the request speaks for (the custom mutation's writer), as the
          // floor gets it; a deployment would take it from the verified JWT
          "bench.member_id": headers["x-member-id"] ?? "",
          "app.actor": "peer",
          statement_timeout: "30s",
        };
      },
    }),
  ],
  grafserv: { port: Number(process.env.PEER_PORT ?? 5678), graphiql: false, watch: false },
  grafast: { explain: process.env.PEER_EXPLAIN === "1" ? ["sql"] : false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on("error", (e) => {
  console.error(e);
  process.exit(1);
});
await serv.addTo(server);
server.listen(preset.grafserv.port, "127.0.0.1", () => {
  console.log(`peer listening on ${preset.grafserv.port}`);
});
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, async () => {
    server.close();
    await pgl.release();
    process.exit(0);
  });
}
