// A second Federation 2 subgraph that references our Member entity without owning it,
// so a query through the gateway must call our `_entities` to fill in member fields.
import { parse } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';

export function spotlightSubgraph(memberId) {
  const typeDefs = parse(`
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Member @key(fields: "id", resolvable: false) { id: ID! }
    type Spotlight { title: String! member: Member }
    type Query { spotlight: Spotlight! }
  `);
  const resolvers = {
    Query: { spotlight: () => ({ title: 'Member of the month', member: { id: memberId } }) },
  };
  return { typeDefs, schema: buildSubgraphSchema([{ typeDefs, resolvers }]) };
}
