//! Abuse regression tests: graphiql.
