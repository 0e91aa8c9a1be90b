//! `partnergraph seed-demo`: a demo organisation with realistic, deterministic partners (same
//! `--seed`, same data) for demos and benchmarks.

use std::collections::BTreeSet;

use partnergraph_domain::deals::{DealMotion, DealStatus};
use partnergraph_domain::partners::{
    KeyStrength, PartnerCategory, PartnerStage, PartnerStatus, PartnerType, QuarterlyWeights,
    Score, TagCategory,
};
use partnergraph_domain::{Currency, Money, Role};
use partnergraph_persistence::audit::{self, AuditEntry};
use partnergraph_persistence::deals::{self, Deal};
use partnergraph_persistence::organizations::{self, Organization};
use partnergraph_persistence::partners::{self, Insights, JointPlan, Partner};
use partnergraph_persistence::types::now;
use partnergraph_persistence::users::{NewUser, User};
use partnergraph_persistence::{Database, DbError};
use uuid::Uuid;

/// A small deterministic generator (splitmix64): reproducible without a dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// Seeded generator.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// One of `items`, by weight.
    pub fn weighted<'a, T>(&mut self, items: &'a [(T, u64)]) -> &'a T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut pick = self.below(total);
        for (item, weight) in items {
            if pick < *weight {
                return item;
            }
            pick -= weight;
        }
        &items[0].0
    }

    /// Uniform choice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const TYPES: &[(PartnerType, u64)] = &[
    (PartnerType::Reseller, 25),
    (PartnerType::Referral, 20),
    (PartnerType::Technology, 20),
    (PartnerType::Consulting, 15),
    (PartnerType::Services, 10),
    (PartnerType::Channel, 5),
    (PartnerType::Strategic, 5),
];
const STAGES: &[(PartnerStage, u64)] = &[
    (PartnerStage::Prospect, 30),
    (PartnerStage::Qualified, 12),
    (PartnerStage::LegalNegotiation, 6),
    (PartnerStage::Signed, 8),
    (PartnerStage::Onboarding, 10),
    (PartnerStage::Enabled, 8),
    (PartnerStage::Activated, 8),
    (PartnerStage::Active, 10),
    (PartnerStage::Scaling, 5),
    (PartnerStage::Rejected, 3),
];
const STATUSES: &[(PartnerStatus, u64)] = &[
    (PartnerStatus::Active, 70),
    (PartnerStatus::Pending, 20),
    (PartnerStatus::Inactive, 10),
];
const INDUSTRIES: &[&str] = &[
    "Software",
    "Financial Services",
    "Healthcare",
    "Manufacturing",
    "Retail",
    "Telecommunications",
    "Education",
    "Public Sector",
    "Energy",
    "Logistics",
    "Media",
    "Insurance",
    "Automotive",
    "Hospitality",
    "Professional Services",
];
const REGIONS: &[&str] = &["NA", "EMEA", "APAC", "LATAM"];
const LANGUAGES: &[&str] = &["en", "de", "fr", "es", "pt", "ja", "zh", "nl", "it"];
const SERVICES: &[&str] = &[
    "Implementation",
    "Migration",
    "Managed Services",
    "Training",
    "Support",
    "Advisory",
];
const PRODUCTS: &[&str] = &[
    "Analytics",
    "CRM",
    "ERP",
    "Security",
    "Data Platform",
    "Integrations",
];
const SUBTYPES: &[&str] = &[
    "System integrator",
    "Boutique consultancy",
    "Managed service provider",
    "Value-added reseller",
    "ISV",
    "Marketplace",
];
/// Key strengths an analysis may find, with a description.
const STRENGTHS: &[(&str, &str)] = &[
    ("Cloud expertise", "Runs migrations to the major clouds."),
    ("Industry focus", "Deep knowledge of one vertical."),
    ("Strong support", "A responsive support desk."),
    ("Large customer base", "Many active customers to introduce."),
    ("Certified team", "Certified consultants on staff."),
    ("Fast delivery", "Short implementation times."),
    ("Global reach", "Offices on several continents."),
    ("Executive sponsorship", "Leadership backs the partnership."),
    ("Marketing engine", "Runs joint campaigns well."),
    ("Integration depth", "Builds and maintains integrations."),
    (
        "Security practice",
        "Strong security and compliance offering.",
    ),
    ("Pricing flexibility", "Packages deals to fit budgets."),
];
const WORDS: &[&str] = &[
    "Apex", "Blue", "Cedar", "Delta", "Ember", "Falcon", "Granite", "Harbor", "Iris", "Juniper",
    "Keystone", "Lumen", "Meridian", "Nimbus", "Orbit", "Pioneer", "Quartz", "Summit", "Tidal",
    "Vertex",
];
const SUFFIXES: &[&str] = &[
    "Labs",
    "Partners",
    "Consulting",
    "Systems",
    "Group",
    "Digital",
    "Solutions",
];

/// The `index`-th demo partner of an organisation.
pub fn partner(rng: &mut Rng, org_id: Uuid, manager: Uuid, index: u64) -> Partner {
    let name = format!(
        "{} {} {} {index}",
        rng.pick(WORDS),
        rng.pick(WORDS),
        rng.pick(SUFFIXES)
    );
    let domain = format!(
        "{}-{index}.example",
        name.split(' ').next().unwrap_or("partner").to_lowercase()
    );
    let pick_many = |rng: &mut Rng, from: &[&str], max: u64| -> Vec<String> {
        let count = 1 + rng.below(max);
        let mut chosen = BTreeSet::new();
        for _ in 0..count {
            chosen.insert((*rng.pick(from)).to_owned());
        }
        chosen.into_iter().collect()
    };
    let regions = pick_many(rng, REGIONS, 3);
    let services = pick_many(rng, SERVICES, 3);
    let products = pick_many(rng, PRODUCTS, 2);
    let scored = rng.below(10) < 7;
    let score = |rng: &mut Rng| Score::parse(i64::try_from(20 + rng.below(81)).unwrap_or(50)).ok();
    let mut tags = BTreeSet::new();
    tags.insert((TagCategory::Regions, regions[0].clone()));
    tags.insert((TagCategory::Services, services[0].clone()));
    tags.insert((TagCategory::Products, products[0].clone()));
    let employees = i64::try_from(5 + rng.below(50) * rng.below(200)).unwrap_or(10);
    // Targets of $50,000 to $2,000,000, in cents.
    let target = 5_000_000 * i64::try_from(1 + rng.below(40)).unwrap_or(1);
    let created_at = now();
    let mut partner = Partner {
        org_id,
        id: Uuid::now_v7(),
        external_id: Some(format!("demo-{index}")),
        name,
        domain: Some(domain),
        logo_url: None,
        industry: Some((*rng.pick(INDUSTRIES)).to_owned()),
        description: Some("Demo partner generated by partnergraph seed-demo.".to_owned()),
        employees: Some(employees),
        // $150,000 of revenue per employee, in cents.
        company_revenue: Some(Money::new(employees * 15_000_000, Currency::USD)),
        regions,
        languages: pick_many(rng, LANGUAGES, 2),
        services,
        products,
        partner_type: *rng.weighted(TYPES),
        subtype: None,
        category: Some(*rng.pick(&[
            PartnerCategory::Solution,
            PartnerCategory::Technology,
            PartnerCategory::Sales,
        ])),
        tier_id: None,
        tier_source: None,
        tier_evaluated_at: None,
        tags,
        status: *rng.weighted(STATUSES),
        stage: *rng.weighted(STAGES),
        partner_manager_id: (rng.below(10) < 8).then_some(manager),
        primary_contact_id: None,
        key_stakeholders: Vec::new(),
        joint_value_proposition: None,
        executive_summary: None,
        insights: Insights {
            fit_score: if scored { score(rng) } else { None },
            health_score: if scored { score(rng) } else { None },
            ..Insights::default()
        },
        financials: partnergraph_domain::deals::Financials::zero(Currency::USD),
        joint_plan: JointPlan {
            annual_revenue_target: Some(Money::new(target, Currency::USD)),
            currency: Currency::USD,
            quarterly_weights: QuarterlyWeights::parse(20, 25, 25, 30).ok(),
            items: Vec::new(),
        },
        overridden_fields: BTreeSet::new(),
        version: 1,
        archived_at: None,
        created_at,
        updated_at: created_at,
    };
    // Drawn after everything above, so that adding them left the rest of the data as it was.
    partner.subtype = (rng.below(10) < 6).then(|| (*rng.pick(SUBTYPES)).to_owned());
    if scored {
        partner.insights.capacity = score(rng);
        partner.insights.capability = score(rng);
        partner.insights.commitment = score(rng);
        partner.insights.customer_alignment = score(rng);
        let mut labels = BTreeSet::new();
        for _ in 0..rng.below(4) {
            labels.insert(rng.below(STRENGTHS.len() as u64) as usize);
        }
        partner.insights.key_strengths = labels
            .into_iter()
            .filter_map(|i| {
                let (label, description) = STRENGTHS[i];
                KeyStrength::parse(
                    label,
                    Some(description),
                    Some(i64::try_from(40 + rng.below(61)).unwrap_or(50)),
                )
                .ok()
            })
            .collect();
    }
    partner
}

/// Deal `index` of the demo: attributed to a partner with a skew (a few partners hold most
/// deals), 45% open, 35% won, 20% lost, 60% product motion, $1k to $500k, customers from a
/// pool of 50,000 domains (so partners share customers and conflicts exist).
fn deal(rng: &mut Rng, org_id: Uuid, partners: &[Uuid], index: u64) -> Deal {
    let u = (rng.below(1_000_000) as f64) / 1_000_000.0;
    let partner = partners[((u * u * partners.len() as f64) as usize).min(partners.len() - 1)];
    let status = *rng.weighted(&[
        (DealStatus::Open, 45),
        (DealStatus::Won, 35),
        (DealStatus::Lost, 20),
    ]);
    let motion = *rng.weighted(&[(DealMotion::Product, 60), (DealMotion::Services, 40)]);
    let amount = 100_000 * i64::try_from((1 + rng.below(50)) * (1 + rng.below(10))).unwrap_or(1);
    let customer = rng.below(50_000);
    let today = chrono::Utc::now().date_naive();
    let days = |n: u64| chrono::Duration::days(i64::try_from(n).unwrap_or(0));
    let created_at = now();
    Deal {
        org_id,
        id: Uuid::now_v7(),
        partner_id: partner,
        registration_id: None,
        external_id: Some(format!("demo-deal-{index}")),
        name: Some(format!("Demo deal {index}")),
        customer_name: format!("Customer {customer}"),
        customer_domain: Some(format!("customer-{customer}.example")),
        amount: Money::new(amount, Currency::USD),
        motion,
        status,
        expected_close_on: Some(today - days(180) + days(rng.below(360))),
        closed_on: (status != DealStatus::Open).then(|| today - days(rng.below(365))),
        version: 1,
        created_at,
        updated_at: created_at,
    }
}

/// Adds `count` deals over the organisation's demo partners (in `demo-N` order, so the same
/// seed gives the same attribution) and refreshes every partner's rollups.
async fn seed_deals(db: &Database, org_id: Uuid, count: u64, seed: u64) -> Result<(), DbError> {
    let mut conn = db.conn().await?;
    let mut partners: Vec<(u64, Uuid)> = partners::external_ids(&mut conn, org_id)
        .await?
        .into_iter()
        .filter_map(|(id, external)| {
            external?
                .strip_prefix("demo-")?
                .parse()
                .ok()
                .map(|i| (i, id))
        })
        .collect();
    if partners.is_empty() {
        return Ok(());
    }
    partners.sort_unstable();
    let ids: Vec<Uuid> = partners.into_iter().map(|(_, id)| id).collect();
    let mut rng = Rng::new(seed ^ 0xD1A1_5EED);
    let mut index = 0;
    while index < count {
        let end = (index + 10_000).min(count);
        let batch: Vec<Deal> = (index..end)
            .map(|i| deal(&mut rng, org_id, &ids, i))
            .collect();
        deals::insert_bulk(&mut conn, &batch).await?;
        index = end;
    }
    // Plan the rollup aggregate for the deals as loaded: with the statistics of an empty
    // table PostgreSQL scans every deal per partner and the refresh times out.
    drop(conn);
    db.analyze().await?;
    let mut conn = db.conn().await?;
    deals::refresh_financials_of(&mut conn, org_id, &ids).await
}

/// Partners generated before they are written together ([`partners::insert_bulk`]).
const SEED_BATCH: usize = 1_000;

/// What was seeded.
#[derive(Debug, Clone)]
pub struct Seeded {
    /// The demo organisation.
    pub org_id: Uuid,
    /// Its owner (and every partner's manager).
    pub owner_id: Uuid,
}

/// Creates the demo organisation `domain` with an owner (password hash given), `count`
/// partners (`concurrency` at a time) and `deal_count` deals with their rollups.
pub async fn seed(
    db: &Database,
    domain: &str,
    password_hash: String,
    count: u64,
    deal_count: u64,
    seed: u64,
    concurrency: usize,
) -> Result<Seeded, DbError> {
    let org = Organization {
        id: Uuid::now_v7(),
        domain: domain.to_owned(),
        display_name: domain.to_owned(),
        created_at: now(),
    };
    let owner = NewUser {
        user: User {
            org_id: org.id,
            id: Uuid::now_v7(),
            email: format!("owner@{domain}"),
            name: "Demo Owner".to_owned(),
            role: Role::Owner,
            partner_id: None,
            created_at: now(),
        },
        password_hash,
    };
    let mut conn = db.conn().await?;
    organizations::create_with_owner(&mut conn, &org, &owner).await?;
    drop(conn);
    let (org_id, owner_id) = (org.id, owner.user.id);
    let generated = move |index: u64| {
        let mut rng = Rng::new(seed ^ index.wrapping_mul(0x2545_F491_4F6C_DD1D));
        let partner = partner(&mut rng, org_id, owner_id, index);
        let entry = AuditEntry {
            org_id,
            id: Uuid::now_v7(),
            subject_kind: "partner",
            subject_id: partner.id,
            action: "create",
            actor: audit::Actor::System,
            changes: serde_json::json!({ "seed": { "after": index } }),
            created_at: now(),
        };
        (partner, entry)
    };
    // The first batch alone, then statistics: statements planned while the tables were empty
    // (the partner_facts triggers' among them, cached per connection) would otherwise scan
    // the growing tables for every row, and nothing re-plans them without an ANALYZE.
    let first = count.min(SEED_BATCH as u64);
    let mut conn = db.conn().await?;
    partners::insert_bulk(&mut conn, &(0..first).map(generated).collect::<Vec<_>>()).await?;
    drop(conn);
    db.analyze().await?;
    let workers = concurrency.max(1) as u64;
    let mut tasks = Vec::new();
    for worker in 0..workers {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = db.conn().await?;
            let mut batch = Vec::with_capacity(SEED_BATCH);
            let mut index = first + worker;
            while index < count {
                batch.push(generated(index));
                if batch.len() == SEED_BATCH {
                    partners::insert_bulk(&mut conn, &batch).await?;
                    batch.clear();
                }
                index += workers;
            }
            partners::insert_bulk(&mut conn, &batch).await?;
            Ok::<_, DbError>(())
        }));
    }
    for task in tasks {
        task.await
            .map_err(|e| DbError::Migration(e.to_string()))??;
    }
    seed_deals(db, org_id, deal_count, seed).await?;
    // Plan later queries for the data as loaded, not for an empty table, and reclaim the row
    // versions the load left behind (autovacuum would, in time).
    db.vacuum_analyze().await?;
    Ok(Seeded { org_id, owner_id })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_partners() {
        let (org, manager) = (Uuid::nil(), Uuid::nil());
        let a = partner(&mut Rng::new(7), org, manager, 3);
        let b = partner(&mut Rng::new(7), org, manager, 3);
        assert_eq!(
            (a.name, a.partner_type, a.stage, a.regions),
            (b.name, b.partner_type, b.stage, b.regions)
        );
        let c = partner(&mut Rng::new(8), org, manager, 3);
        assert_ne!(
            (c.name.clone(), c.regions.clone(), c.stage),
            (
                partner(&mut Rng::new(7), org, manager, 3).name,
                Vec::new(),
                PartnerStage::Rejected
            )
        );
    }

    #[test]
    fn weights_shape_the_distribution() {
        let mut rng = Rng::new(1);
        let resellers = (0..10_000)
            .filter(|_| *rng.weighted(TYPES) == PartnerType::Reseller)
            .count();
        assert!((2_000..3_000).contains(&resellers), "{resellers}");
    }
}
