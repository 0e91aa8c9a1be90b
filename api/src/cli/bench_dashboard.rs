//! `partnergraph bench dashboard`: the Intelligence dashboards over a seeded organisation
//! (the "Intelligence" target: each tile one statement, the whole executive dashboard under
//! 200 ms at p95 with 100k partners and 1M deals on PostgreSQL).
//!
//! The organisation is seeded (partners with scores, 4C scores and strengths, deals with
//! their rollups), given the tier benchmark's program and evaluated, so that partners hold
//! segments and tiers. Then each shape is timed through the schema as the owner: the whole
//! executive dashboard, the same narrowed to a segment and a tier, the whole lifecycle view,
//! and every tile alone (its statements net of opening the dashboard). Last, a deal is won
//! through the API and the revenue card must move by exactly its amount: the figures are
//! read live from the rollups every deal write maintains.

use std::time::{Duration, Instant};

use async_graphql::{Request, Variables};
use partnergraph_persistence::audit;
use partnergraph_persistence::types::now;
use serde_json::{Value, json};

use super::{BenchOrg, bench_tiers, print};
use crate::graphql::node::{NodeKind, encode_uuid};
use crate::startup::StartupError;

const EXECUTIVE: &str = "query($filter: ExecutiveDashboardFilterInput) { executiveDashboard(filter: $filter) { \
    metrics { key value number tone visible } aiStrengths { label partnerCount averageScore } aiStrengthsMessage \
    areasToAddress { dimension partnerCount averageScore partners { id name } } \
    pipelineByStage { key value { amountMinor } } revenueByIndustry { key value { amountMinor } } \
    pipelineByIndustry { key value { amountMinor } } tiles { key visible } } }";

const LIFECYCLE: &str = "{ partnerLifecycle { totalPartners summary { key count percentage } \
    coverageByRegion { key value } coverageBySubtype { key value } coverageByVertical { key value } \
    coverageByProductOffering { key value } tiles { key visible } } }";

/// One query shape and what opening its dashboard costs before any tile.
struct Shape {
    label: &'static str,
    document: String,
    variables: Value,
    /// Statements spent before the tiles (filter and currency, preferences).
    opening: u64,
}

fn config(what: &str, error: impl std::fmt::Debug) -> StartupError {
    StartupError::Config(format!("benchmark {what} failed: {error:?}"))
}

/// Seeds, places partners in the program, times every shape and prints the table.
pub(super) async fn run(
    settings: &crate::Settings,
    partners: u64,
    deals: u64,
    iterations: usize,
    use_database_url: bool,
) -> Result<(), StartupError> {
    let bench = BenchOrg::start(settings, partners, deals, use_database_url).await?;
    let report = measure(&bench, partners, deals, iterations).await;
    bench.finish();
    print(&report?)
}

async fn execute(
    bench: &BenchOrg,
    document: &str,
    variables: Value,
) -> Result<Value, StartupError> {
    let response = bench
        .server
        .schema()
        .execute(
            Request::new(document)
                .variables(Variables::from_json(variables))
                .data(crate::auth::Viewer::Member(bench.member())),
        )
        .await;
    if !response.errors.is_empty() {
        return Err(config("query", response.errors));
    }
    response.data.into_json().map_err(|e| config("response", e))
}

fn percentile(timings: &mut [Duration], q: f64) -> f64 {
    timings.sort();
    timings[((timings.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0
}

async fn measure(
    bench: &BenchOrg,
    partners: u64,
    deal_count: u64,
    iterations: usize,
) -> Result<String, StartupError> {
    let services = bench.server.services().clone();
    let db = &services.db;
    let org_id = bench.seeded.org_id;

    // Segments and tiers to filter by: the tier benchmark's program, evaluated once.
    let program = bench_tiers::tier_program()?;
    let mut conn = db.conn().await?;
    partnergraph_persistence::program::insert_program(&mut conn, org_id, &program, now())
        .await
        .map_err(|e| config("storing the program", e))?;
    drop(conn);
    let placing = Instant::now();
    let placed = crate::tiers::evaluate(&services, org_id, None, &[], audit::Actor::System)
        .await
        .map_err(|e| config("evaluation", e))?;
    let placing = placing.elapsed();
    db.vacuum_analyze().await?;
    let (segment, tier) = program
        .tracks()
        .find(|(_, track)| track.name.as_str() == "Resellers")
        .and_then(|(segment, track)| track.tiers.get(1).map(|tier| (segment, tier)))
        .ok_or_else(|| config("finding the Resellers track", ()))?;
    let filter = json!({
        "segmentId": encode_uuid(NodeKind::Segment, segment.id),
        "tierId": encode_uuid(NodeKind::Tier, tier.id),
    });

    let executive_tile = |fields: &str| format!("{{ executiveDashboard {{ {fields} }} }}");
    let lifecycle_tile = |fields: &str| format!("{{ partnerLifecycle {{ {fields} }} }}");
    let shapes = [
        Shape {
            label: "executive dashboard, all tiles",
            document: EXECUTIVE.to_owned(),
            variables: json!({}),
            opening: 2,
        },
        Shape {
            label: "executive, segment + tier filter",
            document: EXECUTIVE.to_owned(),
            variables: json!({ "filter": filter }),
            opening: 2,
        },
        Shape {
            label: "partner lifecycle, all tiles",
            document: LIFECYCLE.to_owned(),
            variables: json!({}),
            opening: 1,
        },
        Shape {
            label: "  tile METRICS",
            document: executive_tile("metrics { key value }"),
            variables: json!({}),
            opening: 2,
        },
        Shape {
            label: "  tile AI_STRENGTHS",
            document: executive_tile("aiStrengths { label } aiStrengthsMessage"),
            variables: json!({}),
            opening: 2,
        },
        Shape {
            label: "  tile AREAS_TO_ADDRESS (+ its partners)",
            document: executive_tile("areasToAddress { dimension partners { name } }"),
            variables: json!({}),
            opening: 2,
        },
        Shape {
            label: "  tile PIPELINE_BY_STAGE",
            document: executive_tile("pipelineByStage { key }"),
            variables: json!({}),
            opening: 2,
        },
        Shape {
            label: "  tiles REVENUE_ + PIPELINE_BY_INDUSTRY",
            document: executive_tile("revenueByIndustry { key } pipelineByIndustry { key }"),
            variables: json!({}),
            opening: 2,
        },
        Shape {
            label: "  tile LIFECYCLE_SUMMARY",
            document: lifecycle_tile("summary { key count }"),
            variables: json!({}),
            opening: 1,
        },
        Shape {
            label: "  tile COVERAGE_BY_REGION",
            document: lifecycle_tile("coverageByRegion { key }"),
            variables: json!({}),
            opening: 1,
        },
        Shape {
            label: "  tile COVERAGE_BY_SUBTYPE",
            document: lifecycle_tile("coverageBySubtype { key }"),
            variables: json!({}),
            opening: 1,
        },
        Shape {
            label: "  tile COVERAGE_BY_VERTICAL",
            document: lifecycle_tile("coverageByVertical { key }"),
            variables: json!({}),
            opening: 1,
        },
        Shape {
            label: "  tile COVERAGE_BY_PRODUCT_OFFERING",
            document: lifecycle_tile("coverageByProductOffering { key }"),
            variables: json!({}),
            opening: 1,
        },
    ];
    let mut report = format!(
        "Intelligence dashboards over {partners} partners and {deal_count} deals on {:?} \
         (seeded in {:.1} s; {} partners placed in tiers in {:.1} s), {iterations} requests each, as the owner:\n",
        db.backend(),
        bench.seeding.as_secs_f64(),
        placed.changed,
        placing.as_secs_f64(),
    );
    report.push_str(&format!(
        "  {:<42} {:>10} {:>10}  {:>10}  {:>10}\n",
        "shape", "p50 ms", "p95 ms", "statements", "tile stmts"
    ));
    for shape in &shapes {
        // one untimed run warms the connections and the statement caches
        execute(bench, &shape.document, shape.variables.clone()).await?;
        let mut timings = Vec::with_capacity(iterations.max(1));
        let mut statements = 0;
        for _ in 0..iterations.max(1) {
            let before = db.statements_executed();
            let started = Instant::now();
            execute(bench, &shape.document, shape.variables.clone()).await?;
            timings.push(started.elapsed());
            statements = db.statements_executed() - before;
        }
        report.push_str(&format!(
            "  {:<42} {:>10.1} {:>10.1}  {statements:>10}  {:>10}\n",
            shape.label,
            percentile(&mut timings, 0.5),
            percentile(&mut timings, 0.95),
            statements.saturating_sub(shape.opening),
        ));
    }
    report.push_str(
        "  (statements: per request through the schema, no authentication; tile stmts: net of \
         opening the dashboard, i.e. the filter and currency and your visibility)\n",
    );
    report.push_str(&under_writes(bench).await?);
    Ok(report)
}

/// Wins a deal through the API and checks that the revenue card moved by exactly its amount.
async fn under_writes(bench: &BenchOrg) -> Result<String, StartupError> {
    let revenue = |dashboard: &Value| -> Option<i64> {
        dashboard["executiveDashboard"]["metrics"]
            .as_array()?
            .iter()
            .find(|card| card["key"] == "TOTAL_REVENUE")?["amount"]["amountMinor"]
            .as_str()?
            .parse()
            .ok()
    };
    let metrics = "{ executiveDashboard { metrics { key amount { amountMinor } } } partners(first: 1) { edges { node { id } } } }";
    let before = execute(bench, metrics, json!({})).await?;
    let partner = before["partners"]["edges"][0]["node"]["id"].clone();
    let created = execute(
        bench,
        "mutation($input: CreateDealInput!) { createDeal(input: $input) { deal { id } } }",
        json!({ "input": { "partnerId": partner, "customerName": "Benchmark write", "amount": { "amountMinor": "123456", "currency": "USD" } } }),
    )
    .await?;
    execute(
        bench,
        "mutation($id: ID!) { closeDeal(input: { id: $id, outcome: WON }) { deal { status } } }",
        json!({ "id": created["createDeal"]["deal"]["id"] }),
    )
    .await?;
    let after = execute(bench, metrics, json!({})).await?;
    match (revenue(&before), revenue(&after)) {
        (Some(before), Some(after)) if after - before == 123_456 => Ok(format!(
            "under writes: a deal of 1,234.56 won through the API moved total revenue from {before} to {after} cents at the next read\n"
        )),
        other => Err(config("the revenue check after a write", other)),
    }
}
