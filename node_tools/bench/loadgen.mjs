// HTTP load for one (server, operation, concurrency): autocannon, cycling through
// the given request bodies so reads and writes touch many rows, not one hot row.
// Input: a JSON file path (argv[2]) with {url, headers, bodies, connections, duration}.
// Output: one JSON line with throughput, latency percentiles and error counts.
//
// Latencies are taken from each 2xx response's own time (autocannon's `response`
// event, in fractional milliseconds), not from autocannon's summary: its histogram
// stores whole milliseconds, truncated, so its mean of a 2.9 ms and a 5.9 ms
// response is 3.5 ms, not 4.4, and a ratio of two short means comes out too high.
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

const spec = JSON.parse(readFileSync(process.argv[2], "utf8"));
let next = 0;
const times = [];
const instance = autocannon({
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
instance.on("response", (_client, statusCode, _bytes, responseTime) => {
  if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
});
const result = await instance;

times.sort((a, b) => a - b);
// the nearest-rank percentile: the smallest time at or above which q of them lie
const percentile = (q) =>
  times.length ? times[Math.min(times.length, Math.ceil(q * times.length)) - 1] : 0;
const mean = times.length ? times.reduce((sum, t) => sum + t, 0) / times.length : 0;
console.log(
  JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    p50: percentile(0.5),
    p99: percentile(0.99),
    mean,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    duration: result.duration,
  }),
);
