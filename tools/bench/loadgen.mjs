// HTTP load for one (server, operation, concurrency): autocannon, cycling through
// the given request bodies so reads and writes touch many rows, not one hot row.
// Input: a JSON file path (argv[2]) with {url, headers, bodies, connections, duration}.
// Output: one JSON line with throughput, latency percentiles and error counts.
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

const spec = JSON.parse(readFileSync(process.argv[2], "utf8"));
let next = 0;
const result = await autocannon({
  url: spec.url,
  method: "POST",
  connections: spec.connections,
  duration: spec.duration,
  pipelining: 1,
  headers: { "content-type": "application/json", ...spec.headers },
  requests: [
    {
      setupRequest: (req) => {
        const body = spec.bodies[next++ % spec.bodies.length];
        return { ...req, body };
      },
    },
  ],
});
console.log(
  JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.average,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    duration: result.duration,
  }),
);
