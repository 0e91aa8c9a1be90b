//! Extensions that give request-level errors (syntax, validation, limits) an `extensions.code`
//! and remember the name of the operation that ran, for logs and metrics.

use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Variables};

use crate::error::code;

/// Adds codes to parse and validation errors.
#[derive(Debug, Clone, Copy, Default)]
pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodes)
    }
}

/// Request data marking a request that may not introspect (production mode, unauthenticated).
#[derive(Debug, Clone, Copy, Default)]
pub struct DenyIntrospection;

/// Whether the document selects `__schema` or `__type` anywhere (operations or fragments).
fn selects_introspection(document: &ExecutableDocument) -> bool {
    fn walk(set: &SelectionSet) -> bool {
        set.items.iter().any(|selection| match &selection.node {
            Selection::Field(field) => {
                let name = field.node.name.node.as_str();
                name == "__schema" || name == "__type" || walk(&field.node.selection_set.node)
            }
            Selection::InlineFragment(fragment) => walk(&fragment.node.selection_set.node),
            Selection::FragmentSpread(_) => false,
        })
    }
    document
        .operations
        .iter()
        .any(|(_, operation)| walk(&operation.node.selection_set.node))
        || document
            .fragments
            .values()
            .any(|fragment| walk(&fragment.node.selection_set.node))
}

/// Per-request slot the `execute` hook fills with the operation name.
#[derive(Debug, Clone, Default)]
pub struct OperationName(Arc<Mutex<Option<String>>>);

impl OperationName {
    /// The name recorded during execution, if any.
    pub fn get(&self) -> Option<String> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

fn with_code(mut error: ServerError, error_code: &str) -> ServerError {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", error_code);
    }
    error
}

/// Which code a validation message deserves.
pub fn validation_code(message: &str) -> &'static str {
    match message {
        "Query is nested too deep." => code::QUERY_TOO_DEEP,
        "Query is too complex." => code::QUERY_TOO_COMPLEX,
        _ => code::GRAPHQL_VALIDATION_FAILED,
    }
}

#[async_trait::async_trait]
impl Extension for ErrorCodes {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next
            .run(ctx, query, variables)
            .await
            .map_err(|error| with_code(error, code::GRAPHQL_PARSE_FAILED))?;
        if ctx.data_opt::<DenyIntrospection>().is_some() && selects_introspection(&document) {
            let error = ServerError::new("introspection requires authentication", None);
            return Err(with_code(error, code::INTROSPECTION_DISABLED));
        }
        Ok(document)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|errors| {
            errors
                .into_iter()
                .map(|error| {
                    let error_code = validation_code(&error.message);
                    with_code(error, error_code)
                })
                .collect()
        })
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        if let (Some(slot), Some(name)) = (ctx.data_opt::<OperationName>(), operation_name) {
            *slot
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(name.to_owned());
        }
        next.run(ctx, operation_name).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_messages_get_their_own_codes() {
        assert_eq!(
            validation_code("Query is nested too deep."),
            "QUERY_TOO_DEEP"
        );
        assert_eq!(
            validation_code("Query is too complex."),
            "QUERY_TOO_COMPLEX"
        );
        assert_eq!(
            validation_code("Unknown field \"nope\" on type \"Query\"."),
            "GRAPHQL_VALIDATION_FAILED"
        );
    }

    #[test]
    fn introspection_is_found_in_operations_and_fragments() {
        let parse = |q: &str| async_graphql::parser::parse_query(q).expect("valid");
        assert!(selects_introspection(&parse(
            "{ __schema { queryType { name } } }"
        )));
        assert!(selects_introspection(&parse(
            "{ ...F } fragment F on Query { __type(name: \"Query\") { name } }"
        )));
        assert!(selects_introspection(&parse(
            "{ ... on Query { __schema { types { name } } } }"
        )));
        assert!(!selects_introspection(&parse(
            "{ serverInfo { version __typename } }"
        )));
    }
}
