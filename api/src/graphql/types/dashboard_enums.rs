//! Enums of the Intelligence dashboards, mirroring the domain's closed vocabularies.

use async_graphql::Enum;
use partnergraph_domain::intelligence as domain;

/// One of the two Intelligence views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "Dashboard", remote = "domain::Dashboard")]
pub enum DashboardValue {
    /// The executive dashboard: metric cards, AI strengths, areas to address, pipeline and
    /// revenue charts.
    Executive,
    /// The partner lifecycle view: summary cards and coverage charts.
    Lifecycle,
}

/// A tile of a dashboard. Each belongs to one dashboard: LIFECYCLE_SUMMARY and the
/// COVERAGE_BY_ tiles to the partner lifecycle view, the others to the executive dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "DashboardTile", remote = "domain::DashboardTile")]
pub enum DashboardTileValue {
    /// Executive: the row of metric cards.
    Metrics,
    /// Executive: the most common AI-identified strengths.
    AiStrengths,
    /// Executive: 4C dimensions where partners score low.
    AreasToAddress,
    /// Executive: open pipeline by partner lifecycle stage.
    PipelineByStage,
    /// Executive: won revenue by partner industry.
    RevenueByIndustry,
    /// Executive: open pipeline by partner industry.
    PipelineByIndustry,
    /// Lifecycle: partner counts per stage and status.
    LifecycleSummary,
    /// Lifecycle: partners per region covered.
    CoverageByRegion,
    /// Lifecycle: partners per subtype.
    CoverageBySubtype,
    /// Lifecycle: partners per industry vertical.
    CoverageByVertical,
    /// Lifecycle: partners per service or product offered.
    CoverageByProductOffering,
}

/// A metric card of the executive dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "MetricKey", remote = "domain::MetricKey")]
pub enum MetricKeyValue {
    /// Partners in scope (archived partners excluded).
    TotalPartners,
    /// Partners whose status is ACTIVE.
    ActivePartners,
    /// Partners created since the start of the calendar quarter (UTC).
    PartnersAddedThisQuarter,
    /// The amounts of open deals.
    TotalPipeline,
    /// The amounts of won deals.
    TotalRevenue,
    /// Won revenue of partners with an annual revenue target, against those targets.
    RevenueAttainment,
    /// Won deals among closed (won and lost) deals.
    WinRate,
    /// The mean fit score of scored partners.
    AverageFitScore,
    /// The mean health score of scored partners.
    AverageHealthScore,
}

/// The colour a metric card is drawn in (the rules are in docs/GRAPHQL.md, "Intelligence").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "MetricTone", remote = "domain::Tone")]
pub enum ToneValue {
    /// Neutral: a count, or a ratio with nothing to judge yet.
    Blue,
    /// Good: at or above the goal.
    Green,
    /// Neutral: an amount of money.
    Purple,
    /// Warning: below the goal.
    Orange,
    /// Alert: far below the goal.
    Red,
}

/// What a metric card's `number` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "MetricUnit", remote = "domain::MetricUnit")]
pub enum MetricUnitValue {
    /// A number of partners.
    Count,
    /// An amount in major units of the organisation's deal currency (`amount` is exact).
    Money,
    /// A percentage (attainment may exceed 100).
    Percent,
    /// A score from 0 to 100.
    Score,
}

/// A dimension of the 4C model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "FourCDimension", remote = "domain::FourCDimension")]
pub enum FourCDimensionValue {
    /// Resources to serve customers.
    Capacity,
    /// Skills and certifications.
    Capability,
    /// Investment in the partnership.
    Commitment,
    /// Overlap with your ideal customers.
    CustomerAlignment,
}

/// What a lifecycle summary card counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "LifecycleCardKind")]
pub enum LifecycleCardKind {
    /// Partners at a lifecycle stage.
    Stage,
    /// Partners with a status.
    Status,
}
