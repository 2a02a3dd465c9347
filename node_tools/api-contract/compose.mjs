// Composes our subgraph (its SDL fetched from `_service { sdl }` of the live server)
// with Apollo's own composition, alone and beside a second subgraph that references
// Member. Prints {ok, errors, entities} as JSON; `entities` are the object types the
// composed supergraph knows as entities (a `@join__type` with a `key`).
// usage: node compose.mjs <our graphql url>
import { parse } from 'graphql';
import { composeServices } from '@apollo/composition';
import { spotlightSubgraph } from './partner-subgraph.mjs';

const url = process.argv[2];
const res = await fetch(url, {
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
  body: JSON.stringify({ query: '{ _service { sdl } }' }),
});
const sdl = (await res.json()).data._service.sdl;
const ours = { name: 'cln', url, typeDefs: parse(sdl) };
const alone = composeServices([ours]);
const together = composeServices([ours, { name: 'spotlight', url: 'http://spotlight.invalid', typeDefs: spotlightSubgraph('x').typeDefs }]);
const report = (r) => ({
  ok: !r.errors,
  errors: (r.errors ?? []).map((e) => e.message),
  entities: r.errors ? [] : keyed(r.supergraphSdl),
});
const keyed = (supergraphSdl) => parse(supergraphSdl).definitions
  .filter((d) => d.kind === 'ObjectTypeDefinition' && (d.directives ?? []).some(
    (x) => x.name.value === 'join__type' && x.arguments.some((a) => a.name.value === 'key')))
  .map((d) => d.name.value).sort();
process.stdout.write(JSON.stringify({ alone: report(alone), together: report(together) }));
