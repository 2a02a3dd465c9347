"""One package per domain; each exports `Query`, `Mutation` (and optionally
`Subscription`) mixins and a `types` list, merged by `schema.build`."""
