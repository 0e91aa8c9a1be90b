//! Intelligence: the executive dashboard and the partner lifecycle view.
//!
//! The dashboards are aggregates over an organisation's partners, computed by the database
//! (one statement per tile). What they mean is defined here once: which tiles each dashboard
//! has, which metric cards the executive dashboard shows, how a card's value is formatted and
//! which tone draws attention to it ([`tones`]), what counts as a low 4C score, and who may
//! read which dashboard ([`policy`]).

pub mod cards;
pub mod format;
pub mod lifecycle;
pub mod policy;
pub mod tones;

use chrono::{DateTime, Datelike, TimeZone, Utc};

pub use cards::{MetricCard, ProgramFigures, metric_cards};
pub use lifecycle::{LifecycleCard, LifecycleGroup, lifecycle_cards};
pub use policy::{can_read_dashboard, can_read_executive_dashboard, can_read_partner_lifecycle};

closed_enum! {
    /// One of the two Intelligence views.
    pub enum Dashboard;
    as_str = "The database form, `\"executive\"` or `\"lifecycle\"`.";
    parse(ignore_ascii_case) = "The dashboard whose database form is `s`, ignoring ASCII case; `None` for anything else.";
    {
        /// Program performance: metric cards, AI strengths, areas to address, pipeline and
        /// revenue charts.
        Executive => "executive",
        /// The shape of the ecosystem: lifecycle summary cards and coverage charts.
        Lifecycle => "lifecycle",
    }
}

closed_enum! {
    /// A tile of a dashboard (each belongs to exactly one dashboard, see [`DashboardTile::dashboard`]).
    pub enum DashboardTile;
    as_str = "The database form, e.g. `\"pipeline_by_stage\"`.";
    parse(ignore_ascii_case) = "The tile whose database form is `s`, ignoring ASCII case; `None` for anything else.";
    {
        /// Executive: the row of metric cards.
        Metrics => "metrics",
        /// Executive: the most common AI-identified strengths.
        AiStrengths => "ai_strengths",
        /// Executive: 4C dimensions where partners score low.
        AreasToAddress => "areas_to_address",
        /// Executive: open pipeline by partner lifecycle stage.
        PipelineByStage => "pipeline_by_stage",
        /// Executive: won revenue by partner industry.
        RevenueByIndustry => "revenue_by_industry",
        /// Executive: open pipeline by partner industry.
        PipelineByIndustry => "pipeline_by_industry",
        /// Lifecycle: counts per stage and status.
        LifecycleSummary => "lifecycle_summary",
        /// Lifecycle: partners per region covered.
        CoverageByRegion => "coverage_by_region",
        /// Lifecycle: partners per subtype.
        CoverageBySubtype => "coverage_by_subtype",
        /// Lifecycle: partners per industry vertical.
        CoverageByVertical => "coverage_by_vertical",
        /// Lifecycle: partners per service or product offered.
        CoverageByProductOffering => "coverage_by_product_offering",
    }
}

impl DashboardTile {
    /// The dashboard the tile belongs to.
    pub fn dashboard(self) -> Dashboard {
        match self {
            DashboardTile::Metrics
            | DashboardTile::AiStrengths
            | DashboardTile::AreasToAddress
            | DashboardTile::PipelineByStage
            | DashboardTile::RevenueByIndustry
            | DashboardTile::PipelineByIndustry => Dashboard::Executive,
            DashboardTile::LifecycleSummary
            | DashboardTile::CoverageByRegion
            | DashboardTile::CoverageBySubtype
            | DashboardTile::CoverageByVertical
            | DashboardTile::CoverageByProductOffering => Dashboard::Lifecycle,
        }
    }
}

impl Dashboard {
    /// The dashboard's tiles, in display order.
    pub fn tiles(self) -> Vec<DashboardTile> {
        DashboardTile::ALL
            .into_iter()
            .filter(|tile| tile.dashboard() == self)
            .collect()
    }

    /// The dashboard's metric cards, in display order (only the executive dashboard has any).
    pub fn metrics(self) -> Vec<MetricKey> {
        match self {
            Dashboard::Executive => MetricKey::ALL.to_vec(),
            Dashboard::Lifecycle => Vec::new(),
        }
    }
}

closed_enum! {
    /// A metric card of the executive dashboard.
    pub enum MetricKey;
    as_str = "The database form, e.g. `\"win_rate\"`.";
    parse(ignore_ascii_case) = "The metric whose database form is `s`, ignoring ASCII case; `None` for anything else.";
    {
        /// Partners in scope.
        TotalPartners => "total_partners",
        /// Partners whose status is active.
        ActivePartners => "active_partners",
        /// Partners created since the start of the calendar quarter.
        PartnersAddedThisQuarter => "partners_added_this_quarter",
        /// Open deal amounts.
        TotalPipeline => "total_pipeline",
        /// Won deal amounts.
        TotalRevenue => "total_revenue",
        /// Revenue against the partners' annual revenue targets.
        RevenueAttainment => "revenue_attainment",
        /// Won deals among closed deals.
        WinRate => "win_rate",
        /// Mean fit score.
        AverageFitScore => "average_fit_score",
        /// Mean health score.
        AverageHealthScore => "average_health_score",
    }
}

closed_enum! {
    /// The colour a metric card is drawn in, chosen by the rules of [`tones`].
    pub enum Tone;
    as_str = "The database form, e.g. `\"red\"`.";
    parse(ignore_ascii_case) = "The tone whose database form is `s`, ignoring ASCII case; `None` for anything else.";
    {
        /// Neutral: a count, or a ratio with nothing to judge yet.
        Blue => "blue",
        /// Good: at or above the goal.
        Green => "green",
        /// Neutral: an amount of money.
        Purple => "purple",
        /// Warning: below the goal.
        Orange => "orange",
        /// Alert: far below the goal.
        Red => "red",
    }
}

closed_enum! {
    /// What a metric card's number is.
    pub enum MetricUnit;
    as_str = "The database form, e.g. `\"percent\"`.";
    parse(ignore_ascii_case) = "The unit whose database form is `s`, ignoring ASCII case; `None` for anything else.";
    {
        /// A number of partners.
        Count => "count",
        /// An amount in the organisation's deal currency (major units).
        Money => "money",
        /// A percentage, 0 to 100 (attainment may exceed 100).
        Percent => "percent",
        /// A score from 0 to 100.
        Score => "score",
    }
}

closed_enum! {
    /// A dimension of the 4C model, which contributes to a partner's fit.
    pub enum FourCDimension;
    as_str = "The database form, e.g. `\"customer_alignment\"`.";
    parse(ignore_ascii_case) = "The dimension whose database form is `s`, ignoring ASCII case; `None` for anything else.";
    {
        /// Resources to serve customers.
        Capacity => "capacity",
        /// Skills and certifications.
        Capability => "capability",
        /// Investment in the partnership.
        Commitment => "commitment",
        /// Overlap with the ideal customers.
        CustomerAlignment => "customer_alignment",
    }
}

impl FourCDimension {
    /// The dimension's name for people: `Customer alignment`.
    pub fn label(self) -> &'static str {
        match self {
            FourCDimension::Capacity => "Capacity",
            FourCDimension::Capability => "Capability",
            FourCDimension::Commitment => "Commitment",
            FourCDimension::CustomerAlignment => "Customer alignment",
        }
    }
}

/// A 4C score below this is low: the partner shows under "Areas to address" for that dimension.
pub const LOW_SCORE_THRESHOLD: i16 = 50;

/// How many partners an area to address lists (the lowest scoring ones).
pub const PARTNERS_PER_AREA: usize = 5;

/// How many strengths the AI strengths tile lists (the most common ones).
pub const TOP_STRENGTHS: usize = 10;

/// The AI strengths tile's message when no partner has an analysed strength.
pub const NO_STRENGTHS_MESSAGE: &str = "No partner strengths have been analyzed yet";

/// The key and label of partners without a value (no industry, no subtype, no region, …).
pub const UNSPECIFIED: &str = "Unspecified";

/// The start of the calendar quarter (UTC) that `now` falls in: 1 January, 1 April, 1 July or
/// 1 October at midnight.
pub fn quarter_start(now: DateTime<Utc>) -> DateTime<Utc> {
    let first_month = (now.month0() / 3) * 3 + 1;
    Utc.with_ymd_and_hms(now.year(), first_month, 1, 0, 0, 0)
        .single()
        .unwrap_or(now)
}

/// The mean of `count` values summing to `sum`, rounded half up to one decimal place;
/// `None` when there are no values. For non-negative sums (scores, counts).
pub fn average(sum: i64, count: i64) -> Option<f64> {
    format::ratio_tenths(sum, count, 1).map(|tenths| tenths as f64 / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tile_belongs_to_one_dashboard_in_display_order() {
        assert_eq!(
            Dashboard::Executive.tiles(),
            [
                DashboardTile::Metrics,
                DashboardTile::AiStrengths,
                DashboardTile::AreasToAddress,
                DashboardTile::PipelineByStage,
                DashboardTile::RevenueByIndustry,
                DashboardTile::PipelineByIndustry,
            ]
        );
        assert_eq!(Dashboard::Lifecycle.tiles().len(), 5);
        assert_eq!(
            Dashboard::Executive.tiles().len() + Dashboard::Lifecycle.tiles().len(),
            DashboardTile::ALL.len()
        );
        assert!(Dashboard::Lifecycle.metrics().is_empty());
        assert_eq!(Dashboard::Executive.metrics().len(), 9);
    }

    #[test]
    fn quarters_start_on_the_first_of_january_april_july_and_october() {
        let at = |y, m, d, h| {
            Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
                .single()
                .expect("valid")
        };
        assert_eq!(quarter_start(at(2026, 11, 22, 13)), at(2026, 10, 1, 0));
        assert_eq!(quarter_start(at(2026, 1, 1, 0)), at(2026, 1, 1, 0));
        assert_eq!(quarter_start(at(2026, 3, 31, 23)), at(2026, 1, 1, 0));
        assert_eq!(quarter_start(at(2026, 4, 1, 0)), at(2026, 4, 1, 0));
        assert_eq!(quarter_start(at(2026, 9, 30, 23)), at(2026, 7, 1, 0));
    }

    #[test]
    fn averages_round_half_up_to_one_decimal() {
        assert_eq!(average(0, 0), None);
        assert_eq!(average(100, 3), Some(33.3));
        assert_eq!(average(125, 2), Some(62.5));
        assert_eq!(average(200, 3), Some(66.7));
        assert_eq!(average(1, 20), Some(0.1));
        assert_eq!(average(1, 40), Some(0.0));
    }

    #[test]
    fn parse_accepts_the_graphql_form() {
        assert_eq!(
            DashboardTile::parse("PIPELINE_BY_STAGE"),
            Some(DashboardTile::PipelineByStage)
        );
        assert_eq!(MetricKey::parse("win_rate"), Some(MetricKey::WinRate));
        assert_eq!(
            FourCDimension::parse("CUSTOMER_ALIGNMENT"),
            Some(FourCDimension::CustomerAlignment)
        );
    }
}
