// A real Apollo gateway (@apollo/gateway in @apollo/server) over our live subgraph and
// the spotlight subgraph. Runs `{ spotlight { member { ... } } }` once per bearer token
// given, so member fields come from our `_entities`, and prints the responses as JSON.
// usage: node gateway.mjs <our graphql url> <member id> <token>...
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from '@apollo/gateway';
import { spotlightSubgraph } from './partner-subgraph.mjs';

const [ourUrl, memberId, ...tokens] = process.argv.slice(2);
const listen = { port: 0, host: '127.0.0.1' };

const spotlight = new ApolloServer({ schema: spotlightSubgraph(memberId).schema });
const { url: spotlightUrl } = await startStandaloneServer(spotlight, { listen });

const gateway = new ApolloGateway({
  supergraphSdl: new IntrospectAndCompose({
    subgraphs: [{ name: 'cln', url: ourUrl }, { name: 'spotlight', url: spotlightUrl }],
  }),
  buildService: ({ url }) => new RemoteGraphQLDataSource({
    url,
    willSendRequest({ request, context }) {
      if (context.authorization) request.http.headers.set('authorization', context.authorization);
    },
  }),
});
const server = new ApolloServer({ gateway });
const { url: gatewayUrl } = await startStandaloneServer(server, {
  listen,
  context: async ({ req }) => ({ authorization: req.headers.authorization }),
});

const query = '{ spotlight { title member { id givenName familyName sha { code } } } }';
const responses = [];
try {
  for (const token of tokens) {
    const res = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    responses.push({ status: res.status, body: await res.json() });
  }
} finally {
  await server.stop();
  await spotlight.stop();
}
process.stdout.write('\n' + JSON.stringify(responses) + '\n');
