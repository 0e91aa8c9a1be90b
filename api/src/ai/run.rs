//! Running one generation: stream, publish, validate, store, and end with the right status.

use std::sync::Arc;

use partnergraph_domain::strategy::GenerationStatus;
use partnergraph_llm::model::{LanguageModel, LlmError, TimeoutStage, Usage};
use partnergraph_llm::structured::{self, Progress, StructuredError};
use partnergraph_persistence::DbError;
use partnergraph_persistence::generations::{self, Generation, Tokens};
use partnergraph_persistence::types::now;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::hub::{Publisher, Update};
use super::{Ai, Job};

fn tokens(usage: Usage) -> Tokens {
    Tokens {
        prompt: i32::try_from(usage.prompt_tokens).unwrap_or(i32::MAX),
        completion: i32::try_from(usage.completion_tokens).unwrap_or(i32::MAX),
    }
}

/// What clients are told about a failed model call (never the key, never the prompt).
pub(crate) fn describe(error: &StructuredError) -> String {
    match error {
        StructuredError::Invalid { message, .. } => {
            format!("the model's output did not validate, even after one repair attempt: {message}")
        }
        StructuredError::Model { error, .. } => match error {
            LlmError::Timeout {
                stage: TimeoutStage::FirstToken,
            } => "the model sent no first token in time".to_owned(),
            LlmError::Timeout {
                stage: TimeoutStage::Total,
            } => "the model did not finish in time".to_owned(),
            other => format!("the model call failed: {other}"),
        },
    }
}

/// The whole document an edit of `section` proposes.
pub(crate) fn merge_section(base: &Value, section: &str, output: Value) -> Value {
    let complete = match (&output, base) {
        (Value::Object(out), Value::Object(doc)) => doc.keys().all(|key| out.contains_key(key)),
        _ => true,
    };
    if complete {
        return output;
    }
    let mut merged = base.clone();
    if let (Value::Object(doc), Some(value)) = (&mut merged, output.get(section)) {
        doc.insert(section.to_owned(), value.clone());
    }
    merged
}

pub(super) async fn run(
    engine: &Arc<Ai>,
    model: Arc<dyn LanguageModel>,
    generation: Generation,
    job: Job,
    publisher: Publisher,
    cancel: CancellationToken,
) {
    if let Err(error) = drive(engine, model, &generation, job, &publisher, &cancel).await {
        tracing::error!(
            generation.id = %generation.id,
            error.chain = %crate::error::cause_chain(&error),
            "generation could not be stored"
        );
        if let Ok(mut conn) = engine.db.conn().await {
            let _ = generations::end(
                &mut conn,
                generation.org_id,
                generation.id,
                GenerationStatus::Failed,
                "internal error while storing the result",
                Tokens::default(),
                now(),
            )
            .await;
        }
        publisher.publish(Update {
            status: Some(GenerationStatus::Failed),
            error: Some("internal error while storing the result".to_owned()),
            ..Update::default()
        });
    }
}

async fn drive(
    engine: &Arc<Ai>,
    model: Arc<dyn LanguageModel>,
    generation: &Generation,
    job: Job,
    publisher: &Publisher,
    cancel: &CancellationToken,
) -> Result<(), DbError> {
    let (org, id) = (generation.org_id, generation.id);
    // Wait PENDING for a model slot (bounded concurrency); cancelling while waiting is fine.
    let permits = engine.permits.clone();
    let _permit = tokio::select! {
        permit = permits.acquire_owned() => permit.ok(),
        () = cancel.cancelled() => None,
    };
    {
        let mut conn = engine.db.conn().await?;
        if !generations::mark_streaming(&mut conn, org, id, now()).await? {
            // Cancelled before it started.
            return end(
                engine,
                generation,
                publisher,
                GenerationStatus::Cancelled,
                "cancelled by a user",
                Tokens::default(),
            )
            .await;
        }
    }
    publisher.publish(Update {
        status: Some(GenerationStatus::Streaming),
        attempt: 1,
        ..Update::default()
    });
    let started = std::time::Instant::now();
    let mut first_token = None;
    let mut on_progress = |progress: Progress| {
        if first_token.is_none() && !progress.delta.is_empty() {
            first_token = Some(now());
        }
        publisher.publish(Update {
            delta: progress.delta,
            partial: progress.partial,
            attempt: progress.attempt,
            ..Update::default()
        });
    };
    let result = tokio::select! {
        result = structured::generate(model.as_ref(), job.request.clone(), &job.contract, &mut on_progress) => Some(result),
        () = cancel.cancelled() => None,
    };
    let mut conn = engine.db.conn().await?;
    if let Some(at) = first_token {
        generations::mark_first_token(&mut conn, org, id, at).await?;
    }
    drop(conn);
    match result {
        None if engine.stopping() => {
            end(
                engine,
                generation,
                publisher,
                GenerationStatus::Failed,
                "interrupted: the server stopped while generating",
                Tokens::default(),
            )
            .await
        }
        None => {
            end(
                engine,
                generation,
                publisher,
                GenerationStatus::Cancelled,
                "cancelled by a user",
                Tokens::default(),
            )
            .await
        }
        Some(Err(error)) => {
            let message = describe(&error);
            tracing::warn!(
                generation.id = %id,
                generation.kind = %generation.kind,
                duration_ms = started.elapsed().as_millis() as u64,
                error.message = %message,
                "generation failed"
            );
            end(
                engine,
                generation,
                publisher,
                GenerationStatus::Failed,
                &message,
                tokens(error.usage()),
            )
            .await
        }
        Some(Ok(done)) => {
            let output = match &job.section_of {
                Some((section, base)) => merge_section(base, section, done.value),
                None => done.value,
            };
            let mut conn = engine.db.conn().await?;
            let stored = generations::complete(
                &mut conn,
                generation,
                &output,
                tokens(done.usage),
                now(),
                &job.outcome,
            )
            .await?;
            drop(conn);
            match stored {
                Some(_) => {
                    let mut note = None;
                    if let Some(then) = &job.then
                        && let Err(error) = (then.0)(output.clone()).await
                    {
                        tracing::error!(
                            generation.id = %id,
                            error.message = %error.message(),
                            "a completed generation could not be applied"
                        );
                        let message = format!("stored, but not applied: {}", error.message());
                        let mut conn = engine.db.conn().await?;
                        generations::note(&mut conn, org, id, &message).await?;
                        note = Some(message);
                    }
                    tracing::info!(
                        generation.id = %id,
                        generation.kind = %generation.kind,
                        duration_ms = started.elapsed().as_millis() as u64,
                        tokens.prompt = done.usage.prompt_tokens,
                        tokens.completion = done.usage.completion_tokens,
                        attempts = done.attempts,
                        "generation completed"
                    );
                    publisher.publish(Update {
                        status: Some(GenerationStatus::Completed),
                        artifact: Some(output),
                        error: note,
                        attempt: done.attempts,
                        ..Update::default()
                    });
                    Ok(())
                }
                // Cancelled while the last tokens arrived: nothing was written.
                None => {
                    publisher.publish(Update {
                        status: Some(GenerationStatus::Cancelled),
                        error: Some("cancelled by a user".to_owned()),
                        ..Update::default()
                    });
                    Ok(())
                }
            }
        }
    }
}

/// Records the end (unless someone else already did, e.g. `cancelGeneration`) and publishes
/// the final event with the status the database holds.
async fn end(
    engine: &Arc<Ai>,
    generation: &Generation,
    publisher: &Publisher,
    status: GenerationStatus,
    reason: &str,
    used: Tokens,
) -> Result<(), DbError> {
    let mut conn = engine.db.conn().await?;
    generations::end(
        &mut conn,
        generation.org_id,
        generation.id,
        status,
        reason,
        used,
        now(),
    )
    .await?;
    let stored = generations::by_id(&mut conn, generation.org_id, generation.id).await?;
    let (status, error) = match stored {
        Some(stored) if stored.status.is_final() => (stored.status, stored.error),
        _ => (status, Some(reason.to_owned())),
    };
    publisher.publish(Update {
        status: Some(status),
        error,
        ..Update::default()
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_section_is_merged_into_its_document() {
        let base = json!({"summary": "old", "painPoints": ["a"]});
        let merged = merge_section(&base, "summary", json!({"summary": "new"}));
        assert_eq!(merged, json!({"summary": "new", "painPoints": ["a"]}));
        let whole = json!({"summary": "x", "painPoints": []});
        assert_eq!(merge_section(&base, "summary", whole.clone()), whole);
    }
}
