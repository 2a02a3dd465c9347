// Apollo Client's own PersistedQueryLink (sha256 from node:crypto, hashed queries over
// GET) against the live server: runs one query twice and prints what went over the
// wire (method, status, whether the query text was sent) and the data.
// usage: node apq-client.mjs <url> <operation name>
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { createHash } from 'node:crypto';

const [url, name] = process.argv.slice(2);
const sent = [];
async function recordingFetch(input, init) {
  const target = new URL(typeof input === 'string' ? input : input.url);
  const params = init.method === 'GET'
    ? Object.fromEntries(target.searchParams)
    : JSON.parse(init.body);
  const res = await fetch(input, init);
  sent.push({ method: init.method, status: res.status, withQuery: Boolean(params.query) });
  return res;
}

const link = new PersistedQueryLink({
  sha256: (text) => createHash('sha256').update(text).digest('hex'),
  useGETForHashedQueries: true,
}).concat(new HttpLink({ uri: url, fetch: recordingFetch }));
const client = new ApolloClient({ cache: new InMemoryCache(), link });
const query = gql(`query ${name} { shas { code } }`);
const results = [];
for (let i = 0; i < 2; i += 1) {
  const { data, error } = await client.query({ query, fetchPolicy: 'no-cache' });
  results.push({ data, error: error ? String(error) : null });
}
process.stdout.write('\n' + JSON.stringify({ results, sent }) + '\n');
