//! The AI generation engine: starts generations, runs them in the background, streams their
//! events through the [`hub::Hub`], and stores what they produce.
//!
//! A generation is first recorded `PENDING` (the database keeps one running per target, so a
//! second request joins the running one), then streamed from the model (`STREAMING`), then
//! validated and completed together with its outcome in one transaction. A failure or a
//! cancellation is recorded with its reason and never replaces what existed before.

pub mod hub;
mod run;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{Datelike, TimeZone, Utc};
use futures_util::future::BoxFuture;
use partnergraph_domain::strategy::{GenerationKind, GenerationStatus};
use partnergraph_llm::model::{ChatRequest, LanguageModel};
use partnergraph_llm::structured::OutputContract;
use partnergraph_persistence::Database;
use partnergraph_persistence::generations::{self, Generation, NewGeneration, Outcome, Started};
use partnergraph_persistence::types::now;
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use hub::Hub;

/// The message of LLM_UNAVAILABLE: what to set.
pub const UNAVAILABLE: &str = "AI is not available: no language model is configured. Set PARTNERGRAPH_LLM_BASE_URL (an OpenAI-compatible endpoint, e.g. http://127.0.0.1:8012/v1 from scripts/local-llm), PARTNERGRAPH_LLM_MODEL and, if the endpoint needs one, PARTNERGRAPH_LLM_API_KEY";

/// One model run to start.
#[derive(Debug, Clone)]
pub struct Job {
    /// Organisation.
    pub org_id: Uuid,
    /// What it produces.
    pub kind: GenerationKind,
    /// What it is for (one running per target).
    pub target: String,
    /// Prompt version recorded on the generation.
    pub prompt_version: String,
    /// The request (messages, schema).
    pub request: ChatRequest,
    /// How the output is validated.
    pub contract: OutputContract,
    /// Where the output goes.
    pub outcome: Outcome,
    /// For an edit of one section: the section and the document it belongs in (the output is
    /// merged into it, so the stored output is always the whole document).
    pub section_of: Option<(String, serde_json::Value)>,
    /// Who asked.
    pub requested_by: Option<Uuid>,
    /// Runs with the validated output once the generation is stored, before its final event
    /// is published (e.g. writing an analysis to its partner).
    pub then: Option<AfterCompletion>,
}

/// Work that follows a completed generation.
#[derive(Clone)]
pub struct AfterCompletion(
    pub Arc<dyn Fn(serde_json::Value) -> BoxFuture<'static, ApiResult<()>> + Send + Sync>,
);

impl std::fmt::Debug for AfterCompletion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AfterCompletion")
    }
}

/// What [`Ai::launch`] did.
#[derive(Debug, Clone)]
pub enum Launched {
    /// A new generation started.
    Started(Generation),
    /// One was already running for the target; this is it.
    Joined(Generation),
}

impl Launched {
    /// The generation, new or joined.
    pub fn generation(&self) -> &Generation {
        match self {
            Launched::Started(generation) | Launched::Joined(generation) => generation,
        }
    }
}

/// The engine (one per process).
#[derive(Debug)]
pub struct Ai {
    db: Database,
    hub: Arc<Hub>,
    model: Option<Arc<dyn LanguageModel>>,
    monthly_token_budget: u64,
    running: Mutex<HashMap<Uuid, CancellationToken>>,
    tasks: TaskTracker,
    stopping: AtomicBool,
    /// Model calls that may run at once; other generations wait `PENDING`.
    permits: Arc<tokio::sync::Semaphore>,
}

/// SHA-256 (hex) of a request: what the generation was asked (prompt version included).
pub fn input_hash(prompt_version: &str, request: &ChatRequest) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prompt_version.as_bytes());
    for message in &request.messages {
        hasher.update([0]);
        hasher.update(format!("{:?}", message.role).as_bytes());
        hasher.update([0]);
        hasher.update(message.content.as_bytes());
    }
    if let Some(schema) = &request.schema {
        hasher.update([0]);
        hasher.update(schema.name.as_bytes());
        hasher.update(schema.schema.to_string().as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

impl Ai {
    /// The engine over `db`, with `model` when one is configured.
    pub fn new(
        db: Database,
        model: Option<Arc<dyn LanguageModel>>,
        monthly_token_budget: u64,
        concurrency: usize,
    ) -> Arc<Ai> {
        Arc::new(Ai {
            db,
            hub: Arc::new(Hub::default()),
            model,
            monthly_token_budget,
            running: Mutex::new(HashMap::new()),
            tasks: TaskTracker::new(),
            stopping: AtomicBool::new(false),
            permits: Arc::new(tokio::sync::Semaphore::new(concurrency.max(1))),
        })
    }

    /// The hub generations publish to.
    pub fn hub(&self) -> &Arc<Hub> {
        &self.hub
    }

    /// Whether a model is configured.
    pub fn is_available(&self) -> bool {
        self.model.is_some()
    }

    /// The model, or LLM_UNAVAILABLE naming the settings.
    pub fn model(&self) -> ApiResult<&Arc<dyn LanguageModel>> {
        self.model
            .as_ref()
            .ok_or_else(|| ApiError::LlmUnavailable(UNAVAILABLE.to_owned()))
    }

    /// LLM_QUOTA_EXCEEDED when the organisation spent its monthly token budget.
    pub async fn check_budget(&self, org_id: Uuid) -> ApiResult<()> {
        if self.monthly_token_budget == 0 {
            return Ok(());
        }
        let today = Utc::now();
        let month_start = Utc
            .with_ymd_and_hms(today.year(), today.month(), 1, 0, 0, 0)
            .single()
            .unwrap_or(today);
        let mut conn = self.db.conn().await?;
        let used = generations::tokens_since(&mut conn, org_id, month_start).await?;
        if u64::try_from(used).unwrap_or(0) >= self.monthly_token_budget {
            return Err(ApiError::LlmQuotaExceeded(format!(
                "the organisation used {used} of its {} AI tokens this month (PARTNERGRAPH_LLM_MONTHLY_TOKEN_BUDGET); AI operations resume next month",
                self.monthly_token_budget
            )));
        }
        Ok(())
    }

    /// Starts `job` (or joins the generation running for its target). `prepare` runs after the
    /// generation is recorded and before the model is called, e.g. to record the proposal the
    /// generation fills; if it fails, the generation is marked FAILED and its error returned.
    pub async fn launch<F>(self: &Arc<Self>, job: Job, prepare: F) -> ApiResult<Launched>
    where
        F: AsyncFnOnce(&Generation) -> ApiResult<()>,
    {
        let model = self.model()?.clone();
        self.check_budget(job.org_id).await?;
        let new = NewGeneration {
            org_id: job.org_id,
            id: Uuid::now_v7(),
            kind: job.kind,
            target: job.target.clone(),
            model: model.model().to_owned(),
            prompt_version: job.prompt_version.clone(),
            input_hash: input_hash(&job.prompt_version, &job.request),
            requested_by: job.requested_by,
            created_at: now(),
        };
        let mut conn = self.db.conn().await?;
        let generation = match generations::start(&mut conn, &new).await? {
            Started::Running(running) => return Ok(Launched::Joined(running)),
            Started::Created(generation) => generation,
        };
        drop(conn);
        if let Err(error) = prepare(&generation).await {
            let mut conn = self.db.conn().await?;
            generations::end(
                &mut conn,
                generation.org_id,
                generation.id,
                GenerationStatus::Failed,
                "could not be prepared",
                generations::Tokens::default(),
                now(),
            )
            .await?;
            return Err(error);
        }
        let publisher = self.hub.open(generation.id, GenerationStatus::Pending);
        let cancel = CancellationToken::new();
        self.lock_running().insert(generation.id, cancel.clone());
        let engine = self.clone();
        let running = generation.clone();
        self.tasks.spawn(async move {
            run::run(&engine, model, running.clone(), job, publisher, cancel).await;
            engine.lock_running().remove(&running.id);
        });
        Ok(Launched::Started(generation))
    }

    /// Cancels a running generation: recorded `CANCELLED` at once (the database decides the
    /// race with completion), then the model call is stopped. An ended generation is returned
    /// as it is.
    pub async fn cancel(&self, org_id: Uuid, id: Uuid) -> ApiResult<Generation> {
        let mut conn = self.db.conn().await?;
        let generation = generations::by_id(&mut conn, org_id, id)
            .await?
            .ok_or(ApiError::NotFound("generation"))?;
        if generation.status.is_final() {
            return Ok(generation);
        }
        generations::end(
            &mut conn,
            org_id,
            id,
            GenerationStatus::Cancelled,
            "cancelled by a user",
            generation.tokens,
            now(),
        )
        .await?;
        if let Some(token) = self.lock_running().get(&id) {
            token.cancel();
        }
        generations::by_id(&mut conn, org_id, id)
            .await?
            .ok_or(ApiError::NotFound("generation"))
    }

    /// Marks generations a previous process left running as FAILED (call at start-up).
    pub async fn recover(db: &Database) -> ApiResult<usize> {
        let mut conn = db.conn().await?;
        Ok(generations::fail_interrupted(&mut conn, now()).await?)
    }

    /// Stops every running generation (recorded FAILED, "interrupted") and waits for them.
    pub async fn shutdown(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        for token in self.lock_running().values() {
            token.cancel();
        }
        self.tasks.close();
        self.tasks.wait().await;
    }

    fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    fn lock_running(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, CancellationToken>> {
        self.running
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
