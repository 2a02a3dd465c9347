// Runs the published GraphQL-over-HTTP audit suite (graphql-http `serverAudits`)
// against a live server and prints every result as JSON for the pytest side to judge.
// usage: node audit.mjs <url>
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
const audits = serverAudits({ url, fetchFn: fetch });
const results = [];
for (const { fn } of audits) {
  const result = await fn();
  results.push({ id: result.id, name: result.name, status: result.status, reason: result.reason ?? null });
}
process.stdout.write(JSON.stringify(results));
