//! `partnergraph bench tiers`: re-evaluating a seeded organisation's partners against a program
//! of 5 tracks × 5 tiers × 5 rules (the "Partner program" target: 100k partners evaluated and
//! written in at most a second on PostgreSQL).
//!
//! Three situations, each timed as load (program and evaluables), evaluate (the pure
//! [`crate::tiers::plan`]) and write ([`tiers::write_evaluation`]), with the SQL statements
//! and what was written: the first evaluation (every partner placed, so every partner
//! written), one with nothing changed (only the organisation's stamp), and one after 1% of
//! partners lost their closed deals (only those written). The last two are repeated through
//! [`crate::tiers::evaluate`] for the end-to-end figure, the second of them on another 1%.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use partnergraph_domain::partners::PartnerType;
use partnergraph_domain::program::{
    Program, ProgramName, RequirementLogic, RuleDraft, RuleValue, Segment, SegmentFamily, Slug,
    Tier, TierColor, Track,
};
use partnergraph_persistence::tiers::{self, EvaluationWrites};
use partnergraph_persistence::types::now;
use partnergraph_persistence::{Database, audit, deals, program};
use uuid::Uuid;

use super::{BenchOrg, print};
use crate::startup::StartupError;

/// One unit of money in minor units (a dollar in cents).
const UNIT: i64 = 100;

/// Tier names and colours, most prestigious first; sort orders 1 to 5.
const LADDER: [(&str, TierColor); 5] = [
    ("Platinum", TierColor::Slate),
    ("Gold", TierColor::Amber),
    ("Silver", TierColor::Neutral),
    ("Bronze", TierColor::Orange),
    ("Registered", TierColor::Blue),
];

/// Seeds, stores the program, runs the evaluations and prints the table.
pub(super) async fn run(
    settings: &crate::Settings,
    partners: u64,
    deals: u64,
    use_database_url: bool,
) -> Result<(), StartupError> {
    let bench = BenchOrg::start(settings, partners, deals, use_database_url).await?;
    let report = measure(&bench, partners, deals).await;
    bench.finish();
    print(&report?)
}

fn config(what: &str, error: impl std::fmt::Debug) -> StartupError {
    StartupError::Config(format!("benchmark {what} failed: {error:?}"))
}

fn name(value: &str) -> Result<ProgramName, StartupError> {
    ProgramName::parse(value).map_err(|e| config("program name", e))
}

fn number(field: &str, min: i64) -> RuleDraft {
    RuleDraft {
        field: field.to_owned(),
        operator: "gte".to_owned(),
        value: Some(RuleValue::Number(min)),
        ..RuleDraft::default()
    }
}

fn any_of(field: &str, values: &[&str]) -> RuleDraft {
    RuleDraft {
        field: field.to_owned(),
        operator: "includes_any".to_owned(),
        values: Some(values.iter().map(|v| (*v).to_owned()).collect()),
        ..RuleDraft::default()
    }
}

fn logic(drafts: &[RuleDraft]) -> Result<RequirementLogic, StartupError> {
    RequirementLogic::parse(drafts).map_err(|e| config("rule", e))
}

/// The five rules of tier `rank` (0 is Platinum) in a track whose money and deal thresholds
/// are `scale` percent of the base ladder. The four upper tiers ask for closed deals,
/// revenue, pipeline, fit and headcount, descending; the entry tier asks for a region and
/// non-negative numbers, so every partner a track applies to holds at least that.
fn ladder_rules(rank: usize, scale: i64) -> Vec<RuleDraft> {
    const CLOSED: [i64; 4] = [8, 4, 2, 1];
    const REVENUE: [i64; 4] = [800_000, 300_000, 100_000, 1];
    const PIPELINE: [i64; 4] = [400_000, 150_000, 50_000, 0];
    const FIT: [i64; 4] = [70, 55, 40, 20];
    const EMPLOYEES: [i64; 4] = [1_000, 300, 50, 5];
    let scaled = |base: i64| base * scale / 100;
    match rank {
        0..=3 => vec![
            number("closed_deals", scaled(CLOSED[rank]).max(1)),
            number("revenue", scaled(REVENUE[rank]) * UNIT),
            number("pipeline", scaled(PIPELINE[rank]) * UNIT),
            number("fit_score", FIT[rank]),
            number("employees", EMPLOYEES[rank]),
        ],
        _ => vec![
            number("closed_deals", 0),
            number("revenue", 0),
            number("pipeline", 0),
            number("employees", 0),
            any_of("regions", &["NA", "EMEA", "APAC", "LATAM"]),
        ],
    }
}

/// The benchmark program: one segment per family (membership by partner type), five tracks
/// over them covering every partner type, five tiers of five rules in each.
pub(super) fn tier_program() -> Result<Program, StartupError> {
    type TrackSpec = (&'static str, &'static [PartnerType], i64);
    let families: [(&str, SegmentFamily, Vec<TrackSpec>); 3] = [
        (
            "Solution partners",
            SegmentFamily::Services,
            vec![
                ("Consulting partners", &[PartnerType::Consulting], 100),
                ("Service providers", &[PartnerType::Services], 80),
            ],
        ),
        (
            "Technology alliances",
            SegmentFamily::Technology,
            vec![(
                "Technology partners",
                &[PartnerType::Strategic, PartnerType::Technology],
                120,
            )],
        ),
        (
            "Sales partners",
            SegmentFamily::Market,
            vec![
                (
                    "Resellers",
                    &[PartnerType::Channel, PartnerType::Reseller],
                    100,
                ),
                ("Referral partners", &[PartnerType::Referral], 50),
            ],
        ),
    ];
    let mut slugs: Vec<String> = Vec::new();
    let mut segments = Vec::new();
    for (sort_order, (segment_name, family, tracks)) in (1..).zip(families) {
        let types: Vec<&str> = tracks
            .iter()
            .flat_map(|(_, types, _)| types.iter().map(|t| t.as_str()))
            .collect();
        let mut built = Vec::new();
        for (track_order, (track_name, types, scale)) in (1..).zip(tracks) {
            let slug = Slug::unique(track_name, &slugs);
            slugs.push(slug.to_string());
            let mut tiers = Vec::new();
            for (rank, (tier_name, color)) in LADDER.into_iter().enumerate() {
                tiers.push(Tier {
                    id: Uuid::now_v7(),
                    name: name(tier_name)?,
                    color,
                    sort_order: i32::try_from(rank + 1).unwrap_or(i32::MAX),
                    logic: logic(&ladder_rules(rank, scale))?,
                });
            }
            built.push(Track {
                id: Uuid::now_v7(),
                name: name(track_name)?,
                slug,
                description: None,
                partner_types: types.to_vec(),
                sort_order: track_order,
                tiers,
            });
        }
        segments.push(Segment {
            id: Uuid::now_v7(),
            name: name(segment_name)?,
            description: None,
            family,
            logic: logic(&[any_of("type", &types)])?,
            sort_order,
            tracks: built,
        });
    }
    let program = Program { segments };
    program.validate().map_err(|e| config("program", e))?;
    Ok(program)
}

/// One line of the table.
struct Line {
    label: String,
    /// Load, evaluate and write, when measured apart.
    split: Option<(Duration, Duration, Duration)>,
    total: Duration,
    evaluated: usize,
    tiers_changed: usize,
    /// Partners whose stored segments were rewritten (known when measured apart).
    segments_written: Option<usize>,
    /// Statements loading and writing (only the sum through `evaluate`).
    statements: (Option<u64>, u64),
}

/// A whole-organisation evaluation through the persistence functions and the pure plan,
/// timed per phase; returns the line and what was written.
async fn split(
    db: &Database,
    org_id: Uuid,
    label: String,
) -> Result<(Line, EvaluationWrites), StartupError> {
    let before = db.statements_executed();
    let started = Instant::now();
    let mut conn = db.conn().await?;
    let stored = program::load(&mut conn, org_id).await?;
    let needs = crate::tiers::needs(&stored.program);
    let partners = tiers::evaluables(&mut conn, org_id, None, &needs).await?;
    let loaded = started.elapsed();
    let loading_statements = db.statements_executed() - before;
    let planning = Instant::now();
    let writes = crate::tiers::plan(&stored.program, &partners, &[], true);
    let planned = planning.elapsed();
    let writing = Instant::now();
    tiers::write_evaluation(&mut conn, org_id, &writes, audit::Actor::System, now()).await?;
    let written = writing.elapsed();
    let total = started.elapsed();
    let line = Line {
        label,
        split: Some((loaded, planned, written)),
        total,
        evaluated: partners.len(),
        tiers_changed: writes.tiers.len(),
        segments_written: Some(writes.segments.len()),
        statements: (
            Some(loading_statements),
            db.statements_executed() - before - loading_statements,
        ),
    };
    Ok((line, writes))
}

/// A whole-organisation evaluation through [`crate::tiers::evaluate`], as the API runs it.
async fn end_to_end(
    services: &crate::graphql::Services,
    org_id: Uuid,
    label: String,
) -> Result<Line, StartupError> {
    let before = services.db.statements_executed();
    let started = Instant::now();
    let report = crate::tiers::evaluate(services, org_id, None, &[], audit::Actor::System)
        .await
        .map_err(|e| config("evaluation", e))?;
    Ok(Line {
        label,
        split: None,
        total: started.elapsed(),
        evaluated: report.evaluated,
        tiers_changed: report.changed,
        segments_written: None,
        statements: (None, services.db.statements_executed() - before),
    })
}

/// Drops `ids` to no closed deals in one statement, so each leaves its tier for the entry tier.
async fn lose_closed_deals(db: &Database, org_id: Uuid, ids: &[Uuid]) -> Result<(), StartupError> {
    let mut conn = db.conn().await?;
    deals::override_closed_deals(&mut conn, org_id, ids, 0).await?;
    Ok(())
}

fn ms(duration: Duration) -> String {
    format!("{:.1}", duration.as_secs_f64() * 1000.0)
}

async fn measure(bench: &BenchOrg, partners: u64, deal_count: u64) -> Result<String, StartupError> {
    let services = bench.server.services().clone();
    let db = &services.db;
    let org_id = bench.seeded.org_id;
    let program = tier_program()?;
    let mut conn = db.conn().await?;
    program::insert_program(&mut conn, org_id, &program, now())
        .await
        .map_err(|e| config("storing the program", e))?;
    drop(conn);
    let rank: HashMap<Uuid, usize> = program
        .tracks()
        .flat_map(|(_, track)| track.tiers.iter())
        .map(|tier| {
            let rank = usize::try_from(tier.sort_order - 1).unwrap_or(0);
            (tier.id, rank.min(LADDER.len() - 1))
        })
        .collect();

    let mut lines = Vec::new();
    let (first, placed) = split(db, org_id, "first evaluation (all placed)".into()).await?;
    let evaluated = first.evaluated;
    lines.push(first);
    let mut per_rank = [0_usize; LADDER.len()];
    for change in &placed.tiers {
        if let Some((tier, _)) = &change.to {
            per_rank[rank.get(tier).copied().unwrap_or(0)] += 1;
        }
    }
    let untiered = evaluated - per_rank.iter().sum::<usize>();
    // Partners above the entry tier, evenly spread, in two disjoint sets of 1% each.
    let above_entry: Vec<Uuid> = placed
        .tiers
        .iter()
        .filter(|c| {
            c.to.as_ref()
                .is_some_and(|(tier, _)| rank.get(tier).is_some_and(|r| *r < LADDER.len() - 1))
        })
        .map(|c| c.partner_id)
        .collect();
    let share = (evaluated / 100).max(1);
    let step = (above_entry.len() / (2 * share)).max(1);
    let spread: Vec<Uuid> = above_entry.iter().copied().step_by(step).collect();
    let first_share: Vec<Uuid> = spread.iter().copied().step_by(2).take(share).collect();
    let second_share: Vec<Uuid> = spread
        .iter()
        .copied()
        .skip(1)
        .step_by(2)
        .take(share)
        .collect();

    lines.push(split(db, org_id, "nothing changed".into()).await?.0);
    lines.push(
        end_to_end(
            &services,
            org_id,
            "nothing changed, via tiers::evaluate".into(),
        )
        .await?,
    );
    lose_closed_deals(db, org_id, &first_share).await?;
    lines.push(
        split(
            db,
            org_id,
            format!("{} partners changed", first_share.len()),
        )
        .await?
        .0,
    );
    lose_closed_deals(db, org_id, &second_share).await?;
    lines.push(
        end_to_end(
            &services,
            org_id,
            format!("{} others changed, via tiers::evaluate", second_share.len()),
        )
        .await?,
    );

    // The figures mean nothing if evaluation did not do what it claims; say so instead.
    let expected = [
        (1, 0, "nothing changed"),
        (2, 0, "nothing changed"),
        (3, first_share.len(), "the first 1%"),
        (4, second_share.len(), "the second 1%"),
    ];
    for (index, changed, what) in expected {
        let line = &lines[index];
        if line.tiers_changed != changed || line.evaluated != evaluated {
            return Err(StartupError::Config(format!(
                "benchmark evaluation after {what} changed {} tiers of {} partners; expected {changed} of {evaluated}",
                line.tiers_changed, line.evaluated
            )));
        }
    }

    let mut report = format!(
        "tier evaluation of {partners} partners and {deal_count} deals on {:?} (seeded in {:.1} s), \
         program of 5 tracks x 5 tiers x 5 rules; times in ms:\n",
        db.backend(),
        bench.seeding.as_secs_f64()
    );
    report.push_str(&format!(
        "  {:<44} {:>8} {:>8} {:>8} {:>8}  {:>9} {:>8} {:>8}  {:>10}\n",
        "run", "load", "evaluate", "write", "total", "evaluated", "tiers", "segments", "statements"
    ));
    for line in &lines {
        let (load, plan, write) = match line.split {
            Some((load, plan, write)) => (ms(load), ms(plan), ms(write)),
            None => ("-".into(), "-".into(), "-".into()),
        };
        let statements = match line.statements {
            (Some(load), write) => format!("{load} + {write}"),
            (None, all) => all.to_string(),
        };
        report.push_str(&format!(
            "  {:<44} {load:>8} {plan:>8} {write:>8} {:>8}  {:>9} {:>8} {:>8}  {statements:>10}\n",
            line.label,
            ms(line.total),
            line.evaluated,
            line.tiers_changed,
            line.segments_written
                .map_or_else(|| "-".to_owned(), |n| n.to_string()),
        ));
    }
    report.push_str("  (tiers, segments: partners written; statements: load + write)\n");
    let placement: Vec<String> = LADDER
        .iter()
        .zip(per_rank)
        .map(|((tier, _), count)| format!("{tier} {count}"))
        .chain(std::iter::once(format!("no tier {untiered}")))
        .collect();
    report.push_str(&format!(
        "placed at the first evaluation: {}\n",
        placement.join(", ")
    ));
    Ok(report)
}
