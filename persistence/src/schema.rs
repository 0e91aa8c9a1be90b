//! The diesel schema shared by both backends. Column types come from [`crate::types`] where the
//! two databases store a value differently (uuid, timestamptz, jsonb).

diesel::table! {
    /// Server-wide settings that are not tenant data.
    server_settings (key) {
        /// Setting name.
        key -> Text,
        /// Setting value.
        value -> Text,
        /// Last write.
        updated_at -> crate::types::UtcTimestamp,
    }
}

diesel::table! {
    /// Diesel's own bookkeeping of applied migrations (same shape on both backends).
    __diesel_schema_migrations (version) {
        /// Migration version (the timestamp prefix of its directory).
        version -> Text,
        /// When it was applied.
        run_on -> Timestamp,
    }
}

diesel::table! {
    /// Organisations: the tenants, one per company domain.
    organizations (id) {
        /// Tenant id (the `org_id` of every tenant table).
        id -> crate::types::Uuid,
        /// Normalised company domain.
        domain -> Text,
        /// Name shown in clients.
        display_name -> Text,
        /// ISO 4217 currency every deal of the organisation is kept in.
        deal_currency -> Text,
        /// Days an approved deal registration protects its deal.
        registration_expiry_days -> Integer,
        /// When every partner's tier was last evaluated together.
        tiers_evaluated_at -> Nullable<crate::types::UtcTimestamp>,
        /// Logo URL (brand & identity).
        logo_url -> Nullable<Text>,
        /// Primary brand colour, `#rrggbb`.
        brand_primary -> Nullable<Text>,
        /// Secondary brand colour, `#rrggbb`.
        brand_secondary -> Nullable<Text>,
        /// Accent brand colour, `#rrggbb`.
        brand_accent -> Nullable<Text>,
        /// Creation time.
        created_at -> crate::types::UtcTimestamp,
        /// Last change.
        updated_at -> crate::types::UtcTimestamp,
    }
}

diesel::table! {
    /// Users, each a member of one organisation with one role.
    users (org_id, id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// User id.
        id -> crate::types::Uuid,
        /// Lower-cased e-mail address (globally unique).
        email -> Text,
        /// Display name.
        name -> Text,
        /// argon2id PHC string.
        password_hash -> Text,
        /// Role (database form of `Role`).
        role -> Text,
        /// Partner record of a partner-role user.
        partner_id -> Nullable<crate::types::Uuid>,
        /// Creation time.
        created_at -> crate::types::UtcTimestamp,
        /// Last change.
        updated_at -> crate::types::UtcTimestamp,
    }
}

diesel::table! {
    /// Sign-in sessions: a chain of rotating refresh tokens.
    sessions (org_id, id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Session id (the `sid` claim of access tokens).
        id -> crate::types::Uuid,
        /// Signed-in user.
        user_id -> crate::types::Uuid,
        /// Sign-in time.
        created_at -> crate::types::UtcTimestamp,
        /// The session ends at the latest here.
        expires_at -> crate::types::UtcTimestamp,
        /// Set by sign-out or refresh-token reuse.
        revoked_at -> Nullable<crate::types::UtcTimestamp>,
    }
}

diesel::table! {
    /// Refresh tokens (hashed); each is used once and replaced.
    refresh_tokens (org_id, id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Token id.
        id -> crate::types::Uuid,
        /// Its session.
        session_id -> crate::types::Uuid,
        /// SHA-256 hex of the token.
        token_hash -> Text,
        /// Issue time.
        created_at -> crate::types::UtcTimestamp,
        /// Expiry.
        expires_at -> crate::types::UtcTimestamp,
        /// Set when exchanged for a new token.
        rotated_at -> Nullable<crate::types::UtcTimestamp>,
    }
}

diesel::table! {
    /// Single-use invitations to join an organisation.
    invitations (org_id, id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Invitation id.
        id -> crate::types::Uuid,
        /// Invited e-mail address.
        email -> Text,
        /// Role granted on acceptance.
        role -> Text,
        /// Partner record for partner-role invitations.
        partner_id -> Nullable<crate::types::Uuid>,
        /// SHA-256 hex of the token.
        token_hash -> Text,
        /// Inviting user.
        invited_by -> Nullable<crate::types::Uuid>,
        /// Creation time.
        created_at -> crate::types::UtcTimestamp,
        /// Expiry.
        expires_at -> crate::types::UtcTimestamp,
        /// Set when accepted.
        accepted_at -> Nullable<crate::types::UtcTimestamp>,
    }
}

diesel::table! {
    /// API keys for integrations (hashed secret, visible prefix).
    api_keys (org_id, id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Key id.
        id -> crate::types::Uuid,
        /// Name given by its creator.
        name -> Text,
        /// Role the key acts with.
        role -> Text,
        /// First characters of the secret, for recognising it.
        prefix -> Text,
        /// SHA-256 hex of the secret.
        secret_hash -> Text,
        /// Creating user.
        created_by -> Nullable<crate::types::Uuid>,
        /// Creation time.
        created_at -> crate::types::UtcTimestamp,
        /// Last authenticated use (updated at most once a minute).
        last_used_at -> Nullable<crate::types::UtcTimestamp>,
        /// Set when revoked.
        revoked_at -> Nullable<crate::types::UtcTimestamp>,
    }
}

diesel::joinable!(sessions -> organizations (org_id));

diesel::table! {
    /// Partner profiles: core details, program structure, relationship.
    partners (org_id, id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Partner id.
        id -> crate::types::Uuid,
        /// Id in the customer's CRM (import matching).
        external_id -> Nullable<Text>,
        /// Company name.
        name -> Text,
        /// Company web domain.
        domain -> Nullable<Text>,
        /// Logo URL.
        logo_url -> Nullable<Text>,
        /// Industry vertical.
        industry -> Nullable<Text>,
        /// Short description.
        description -> Nullable<Text>,
        /// Headcount.
        employees -> Nullable<BigInt>,
        /// The company's annual revenue, minor units.
        company_revenue_minor -> Nullable<BigInt>,
        /// Its currency.
        company_revenue_currency -> Nullable<Text>,
        /// Partner type.
        #[sql_name = "type"]
        partner_type -> Text,
        /// Free-form sub-classification.
        subtype -> Nullable<Text>,
        /// Category.
        category -> Nullable<Text>,
        /// Program tier (set by the program feature).
        tier_id -> Nullable<crate::types::Uuid>,
        /// How the tier was set.
        tier_source -> Nullable<Text>,
        /// Last automatic evaluation.
        tier_evaluated_at -> Nullable<crate::types::UtcTimestamp>,
        /// Status.
        status -> Text,
        /// Lifecycle stage.
        stage -> Text,
        /// Internal member managing the relationship.
        partner_manager_id -> Nullable<crate::types::Uuid>,
        /// Partner-side primary contact.
        primary_contact_id -> Nullable<crate::types::Uuid>,
        /// Joint value proposition.
        joint_value_proposition -> Nullable<Text>,
        /// Executive summary.
        executive_summary -> Nullable<Text>,
        /// Optimistic-concurrency version.
        version -> BigInt,
        /// When archived.
        archived_at -> Nullable<crate::types::UtcTimestamp>,
        /// Creation time.
        created_at -> crate::types::UtcTimestamp,
        /// Last change.
        updated_at -> crate::types::UtcTimestamp,
    }
}

diesel::table! {
    /// AI insights of a partner (1:1).
    partner_insights (org_id, partner_id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Partner.
        partner_id -> crate::types::Uuid,
        /// Fit with the IPP, 0–100.
        fit_score -> Nullable<SmallInt>,
        /// Relationship health, 0–100.
        health_score -> Nullable<SmallInt>,
        /// 4C: capacity.
        capacity_score -> Nullable<SmallInt>,
        /// 4C: capability.
        capability_score -> Nullable<SmallInt>,
        /// 4C: commitment.
        commitment_score -> Nullable<SmallInt>,
        /// 4C: customer alignment.
        customer_alignment_score -> Nullable<SmallInt>,
        /// Narrative.
        ai_summary -> Nullable<Text>,
        /// Last analysis.
        analyzed_at -> Nullable<crate::types::UtcTimestamp>,
        /// Why capacity scored as it did (AI analysis).
        capacity_rationale -> Nullable<Text>,
        /// Why capability scored as it did.
        capability_rationale -> Nullable<Text>,
        /// Why commitment scored as it did.
        commitment_rationale -> Nullable<Text>,
        /// Why customer alignment scored as it did.
        customer_alignment_rationale -> Nullable<Text>,
    }
}

diesel::table! {
    /// Joint plan of a partner (1:1).
    partner_joint_plans (org_id, partner_id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Partner.
        partner_id -> crate::types::Uuid,
        /// Currency of the target.
        currency -> Text,
        /// Annual revenue target, minor units.
        annual_revenue_target_minor -> Nullable<BigInt>,
        /// Q1 share of the target, percent.
        q1_weight -> Nullable<SmallInt>,
        /// Q2 share.
        q2_weight -> Nullable<SmallInt>,
        /// Q3 share.
        q3_weight -> Nullable<SmallInt>,
        /// Q4 share.
        q4_weight -> Nullable<SmallInt>,
    }
}

diesel::table! {
    /// Regions, languages, services and products of partners, one row per value.
    partner_list_values (org_id, partner_id, field, position) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Partner.
        partner_id -> crate::types::Uuid,
        /// Which list.
        field -> Text,
        /// Order in the list.
        position -> Integer,
        /// The value.
        value -> Text,
    }
}

diesel::table! {
    /// Tags of partners in three categories.
    partner_tags (org_id, partner_id, category, tag) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Partner.
        partner_id -> crate::types::Uuid,
        /// services, products or regions.
        category -> Text,
        /// The tag.
        tag -> Text,
    }
}

diesel::table! {
    /// Key stakeholders at partners.
    partner_stakeholders (org_id, partner_id, position) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Partner.
        partner_id -> crate::types::Uuid,
        /// Order.
        position -> Integer,
        /// Name.
        name -> Text,
        /// Role.
        role -> Nullable<Text>,
        /// E-mail.
        email -> Nullable<Text>,
    }
}

diesel::table! {
    /// AI-identified key strengths of partners.
    partner_strengths (org_id, partner_id, position) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Partner.
        partner_id -> crate::types::Uuid,
        /// Order.
        position -> Integer,
        /// Label.
        label -> Text,
        /// Description.
        description -> Nullable<Text>,
        /// Score 0–100.
        score -> Nullable<SmallInt>,
        /// `KeyStrength::key` of the label (unique per partner): what the dashboards group by.
        label_key -> Text,
    }
}

diesel::table! {
    /// Joint plan affiliates, integrations and workflows.
    joint_plan_items (org_id, partner_id, position) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Partner.
        partner_id -> crate::types::Uuid,
        /// Order.
        position -> Integer,
        /// affiliate, integration or workflow.
        kind -> Text,
        /// Name.
        name -> Text,
        /// Description.
        description -> Nullable<Text>,
        /// Link.
        url -> Nullable<Text>,
    }
}

diesel::table! {
    /// Fields of partners that a person edited.
    partner_overrides (org_id, partner_id, field) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Partner.
        partner_id -> crate::types::Uuid,
        /// The field (GraphQL name).
        field -> Text,
    }
}

diesel::table! {
    /// Audit trail: who changed what on partners and deals.
    audit_entries (org_id, id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Entry id.
        id -> crate::types::Uuid,
        /// partner or deal.
        subject_kind -> Text,
        /// The changed object.
        subject_id -> crate::types::Uuid,
        /// create, update, archive, unarchive or delete.
        action -> Text,
        /// user, api_key or system.
        actor_kind -> Text,
        /// The user or key.
        actor_id -> Nullable<crate::types::Uuid>,
        /// Changed fields with before and after.
        changes -> crate::types::Json,
        /// When.
        created_at -> crate::types::UtcTimestamp,
    }
}

diesel::table! {
    /// Deal registrations submitted by (or for) partners, and their review.
    deal_registrations (org_id, id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Registration id.
        id -> crate::types::Uuid,
        /// The registering partner.
        partner_id -> crate::types::Uuid,
        /// The end customer.
        customer_name -> Text,
        /// The end customer's normalised domain (conflict checks match on it).
        customer_domain -> Text,
        /// Amount in minor units.
        amount_minor -> BigInt,
        /// ISO 4217 currency (the organisation's deal currency).
        currency -> Text,
        /// product or services.
        motion -> Text,
        /// Expected close date.
        expected_close_on -> Nullable<Date>,
        /// The partner's notes.
        notes -> Nullable<Text>,
        /// submitted, under_review, approved, rejected or expired.
        status -> Text,
        /// The user who submitted it.
        submitted_by -> Nullable<crate::types::Uuid>,
        /// The reviewer who decided.
        reviewed_by -> Nullable<crate::types::Uuid>,
        /// When decided.
        reviewed_at -> Nullable<crate::types::UtcTimestamp>,
        /// Why (required for rejections).
        decision_reason -> Nullable<Text>,
        /// The deal opened on approval.
        deal_id -> Nullable<crate::types::Uuid>,
        /// The deal's status (open, won, lost), kept in step with the deal.
        deal_status -> Nullable<Text>,
        /// When the approval lapses if the deal is still open.
        expires_at -> Nullable<crate::types::UtcTimestamp>,
        /// Optimistic-concurrency version.
        version -> BigInt,
        /// Creation time.
        created_at -> crate::types::UtcTimestamp,
        /// Last change.
        updated_at -> crate::types::UtcTimestamp,
    }
}

diesel::table! {
    /// Deals attributed to partners.
    deals (org_id, id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Deal id.
        id -> crate::types::Uuid,
        /// The partner the deal is attributed to.
        partner_id -> crate::types::Uuid,
        /// The registration it came from.
        registration_id -> Nullable<crate::types::Uuid>,
        /// Id in the customer's CRM (import matching).
        external_id -> Nullable<Text>,
        /// Deal title.
        name -> Nullable<Text>,
        /// The end customer.
        customer_name -> Text,
        /// The end customer's normalised domain.
        customer_domain -> Nullable<Text>,
        /// Amount in minor units.
        amount_minor -> BigInt,
        /// ISO 4217 currency.
        currency -> Text,
        /// product or services.
        motion -> Text,
        /// open, won or lost.
        status -> Text,
        /// Expected close date.
        expected_close_on -> Nullable<Date>,
        /// When won or lost.
        closed_on -> Nullable<Date>,
        /// Optimistic-concurrency version.
        version -> BigInt,
        /// Creation time.
        created_at -> crate::types::UtcTimestamp,
        /// Last change.
        updated_at -> crate::types::UtcTimestamp,
    }
}

diesel::table! {
    /// Per-partner rollups of its deals, maintained with every deal write.
    partner_financials (org_id, partner_id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Partner.
        partner_id -> crate::types::Uuid,
        /// ISO 4217 currency of every amount.
        currency -> Text,
        /// Open deal amounts.
        pipeline_minor -> BigInt,
        /// Won deal amounts.
        revenue_minor -> BigInt,
        /// Won product-motion deal amounts.
        product_revenue_minor -> BigInt,
        /// Open deals.
        active_deals -> BigInt,
        /// Won and lost deals.
        closed_deals -> BigInt,
        /// Distinct won customer domains.
        customers -> BigInt,
        /// Won deals.
        won_deals -> BigInt,
    }
}

diesel::table! {
    /// Partner-side people of a partner (`partners.primary_contact_id` names one of them).
    partner_contacts (org_id, id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Contact id.
        id -> crate::types::Uuid,
        /// The partner.
        partner_id -> crate::types::Uuid,
        /// Name.
        name -> Text,
        /// Lower-cased e-mail address.
        email -> Nullable<Text>,
        /// Phone number.
        phone -> Nullable<Text>,
        /// Job title.
        title -> Nullable<Text>,
        /// Creation time.
        created_at -> crate::types::UtcTimestamp,
        /// Last change.
        updated_at -> crate::types::UtcTimestamp,
    }
}

diesel::table! {
    /// Saved views of the partners table, per user.
    partner_views (org_id, id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// View id.
        id -> crate::types::Uuid,
        /// The user who keeps it.
        user_id -> crate::types::Uuid,
        /// Name (unique per user).
        name -> Text,
        /// The filter, in the shape of the GraphQL `PartnerFilterInput`.
        filter -> crate::types::Json,
        /// The sort, a list of `{field, direction}` as in the GraphQL `PartnerOrder`.
        order_by -> crate::types::Json,
        /// The user's default view (at most one per user).
        is_default -> Bool,
        /// Creation time.
        created_at -> crate::types::UtcTimestamp,
        /// Last change.
        updated_at -> crate::types::UtcTimestamp,
    }
}

diesel::table! {
    /// Program segments: groups of partners by market, technology or services.
    program_segments (org_id, id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Segment id.
        id -> crate::types::Uuid,
        /// Name.
        name -> Text,
        /// Description.
        description -> Nullable<Text>,
        /// market, technology or services.
        family -> Text,
        /// Requirement logic (a JSON list of rules).
        logic -> crate::types::Json,
        /// Position among segments.
        sort_order -> Integer,
        /// Creation time.
        created_at -> crate::types::UtcTimestamp,
        /// Last change.
        updated_at -> crate::types::UtcTimestamp,
    }
}

diesel::table! {
    /// Tracks inside segments.
    program_tracks (org_id, id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Track id.
        id -> crate::types::Uuid,
        /// The segment.
        segment_id -> crate::types::Uuid,
        /// Name.
        name -> Text,
        /// URL-safe name, unique per organisation.
        slug -> Text,
        /// Description.
        description -> Nullable<Text>,
        /// Position among the segment's tracks.
        sort_order -> Integer,
        /// Creation time.
        created_at -> crate::types::UtcTimestamp,
        /// Last change.
        updated_at -> crate::types::UtcTimestamp,
    }
}

diesel::table! {
    /// The partner types each track applies to.
    program_track_types (org_id, track_id, partner_type) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Track.
        track_id -> crate::types::Uuid,
        /// Partner type.
        partner_type -> Text,
    }
}

diesel::table! {
    /// Tiers inside tracks; a lower sort order is higher prestige.
    program_tiers (org_id, id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Tier id.
        id -> crate::types::Uuid,
        /// The track.
        track_id -> crate::types::Uuid,
        /// Name.
        name -> Text,
        /// Display colour.
        color -> Text,
        /// Rank (lower is higher prestige).
        sort_order -> Integer,
        /// Requirement logic (a JSON list of rules).
        logic -> crate::types::Json,
        /// Creation time.
        created_at -> crate::types::UtcTimestamp,
        /// Last change.
        updated_at -> crate::types::UtcTimestamp,
    }
}

diesel::table! {
    /// The segments each partner satisfies, as of its last evaluation.
    partner_segments (org_id, partner_id, segment_id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Partner.
        partner_id -> crate::types::Uuid,
        /// Segment.
        segment_id -> crate::types::Uuid,
    }
}

diesel::table! {
    /// Every tier change of a partner.
    partner_tier_changes (org_id, id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Change id.
        id -> crate::types::Uuid,
        /// Partner.
        partner_id -> crate::types::Uuid,
        /// Tier before.
        from_tier_id -> Nullable<crate::types::Uuid>,
        /// Its name then.
        from_tier_name -> Nullable<Text>,
        /// Tier after.
        to_tier_id -> Nullable<crate::types::Uuid>,
        /// Its name then.
        to_tier_name -> Nullable<Text>,
        /// auto or manual.
        source -> Text,
        /// Why (manual changes).
        reason -> Nullable<Text>,
        /// user, api_key or system.
        actor_kind -> Text,
        /// The user or key.
        actor_id -> Nullable<crate::types::Uuid>,
        /// When.
        created_at -> crate::types::UtcTimestamp,
    }
}

diesel::table! {
    /// Generations: one streamed, validated model run each.
    generations (org_id, id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Generation id.
        id -> crate::types::Uuid,
        /// What it produces (`ICP`, `IPP`, `EDIT`).
        kind -> Text,
        /// What it is for (`strategy:ICP`, `conversation:<id>`); one running per target.
        target -> Text,
        /// `PENDING`, `STREAMING`, `COMPLETED`, `FAILED` or `CANCELLED`.
        status -> Text,
        /// Model id.
        model -> Text,
        /// Prompt version.
        prompt_version -> Text,
        /// SHA-256 of the prompt input.
        input_hash -> Text,
        /// The validated artifact.
        output -> Nullable<crate::types::Json>,
        /// Why it failed.
        error -> Nullable<Text>,
        /// Prompt tokens used.
        prompt_tokens -> Integer,
        /// Completion tokens used.
        completion_tokens -> Integer,
        /// Who asked for it.
        requested_by -> Nullable<crate::types::Uuid>,
        /// When it was asked for.
        created_at -> crate::types::UtcTimestamp,
        /// When the model call started.
        started_at -> Nullable<crate::types::UtcTimestamp>,
        /// When the first token arrived.
        first_token_at -> Nullable<crate::types::UtcTimestamp>,
        /// When it ended.
        finished_at -> Nullable<crate::types::UtcTimestamp>,
    }
}

diesel::table! {
    /// Every version of every strategy document.
    strategy_versions (org_id, artifact, version) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// `ICP`, `IPP`, ...
        artifact -> Text,
        /// 1, 2, ...
        version -> Integer,
        /// The document.
        content -> crate::types::Json,
        /// `GENERATED`, `CACHED` or `EDITED`.
        source -> Text,
        /// The generation that produced it.
        generation_id -> Nullable<crate::types::Uuid>,
        /// Model id.
        model -> Nullable<Text>,
        /// Prompt version.
        prompt_version -> Nullable<Text>,
        /// Who accepted the edit.
        author_id -> Nullable<crate::types::Uuid>,
        /// When.
        created_at -> crate::types::UtcTimestamp,
    }
}

diesel::table! {
    /// The last generated document per organisation, domain and artifact.
    strategy_cache (org_id, domain, artifact) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Company domain the document was generated for.
        domain -> Text,
        /// `ICP` or `IPP`.
        artifact -> Text,
        /// Hash of the generation input (an IPP is reused only for the same ICP).
        input_hash -> Text,
        /// The document.
        content -> crate::types::Json,
        /// The generation that produced it.
        generation_id -> Nullable<crate::types::Uuid>,
        /// Model id.
        model -> Nullable<Text>,
        /// Prompt version.
        prompt_version -> Nullable<Text>,
        /// Last write.
        updated_at -> crate::types::UtcTimestamp,
    }
}

diesel::table! {
    /// Onboarding progress of an organisation.
    onboarding (org_id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// The company domain the profiles are generated for.
        domain -> Text,
        /// The ICP version the IPP was built from.
        icp_confirmed_version -> Nullable<Integer>,
        /// When brand & identity were confirmed.
        completed_at -> Nullable<crate::types::UtcTimestamp>,
        /// Started.
        created_at -> crate::types::UtcTimestamp,
        /// Last change.
        updated_at -> crate::types::UtcTimestamp,
    }
}

diesel::table! {
    /// "Edit with AI" conversations.
    edit_conversations (org_id, id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Conversation id.
        id -> crate::types::Uuid,
        /// The document.
        artifact -> Text,
        /// The section, if scoped to one.
        section -> Nullable<Text>,
        /// Who opened it.
        created_by -> crate::types::Uuid,
        /// When.
        created_at -> crate::types::UtcTimestamp,
    }
}

diesel::table! {
    /// Turns of an edit conversation.
    edit_messages (org_id, conversation_id, seq) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Conversation.
        conversation_id -> crate::types::Uuid,
        /// Order within the conversation.
        seq -> Integer,
        /// `USER` or `ASSISTANT`.
        role -> Text,
        /// What was said.
        content -> Text,
        /// The proposal an assistant turn made.
        proposal_id -> Nullable<crate::types::Uuid>,
        /// When.
        created_at -> crate::types::UtcTimestamp,
    }
}

diesel::table! {
    /// Proposed new versions from edit conversations.
    edit_proposals (org_id, id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Proposal id.
        id -> crate::types::Uuid,
        /// Conversation.
        conversation_id -> crate::types::Uuid,
        /// The generation producing the content.
        generation_id -> crate::types::Uuid,
        /// The document version it was proposed against.
        base_version -> Integer,
        /// `OPEN`, `ACCEPTED` or `DISCARDED`.
        status -> Text,
        /// The version accepting it created.
        accepted_version -> Nullable<Integer>,
        /// Who decided.
        decided_by -> Nullable<crate::types::Uuid>,
        /// When.
        decided_at -> Nullable<crate::types::UtcTimestamp>,
        /// When proposed.
        created_at -> crate::types::UtcTimestamp,
    }
}

diesel::table! {
    /// Each person's tile and metric visibility on the Intelligence dashboards.
    dashboard_preferences (org_id, user_id, dashboard, item_kind, item) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// The person.
        user_id -> crate::types::Uuid,
        /// `executive` or `lifecycle`.
        dashboard -> Text,
        /// `tile` or `metric`.
        item_kind -> Text,
        /// The tile or metric (database form, e.g. `pipeline_by_stage`, `win_rate`).
        item -> Text,
        /// Shown (true) or hidden (false).
        visible -> Bool,
        /// Last change.
        updated_at -> crate::types::UtcTimestamp,
    }
}

diesel::table! {
    /// One narrow row per partner with what the Intelligence dashboards aggregate, copied by
    /// triggers from `partners`, `partner_financials`, `partner_insights` and
    /// `partner_joint_plans` in the transaction that writes them (decision record 0005).
    partner_facts (org_id, partner_id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Partner.
        partner_id -> crate::types::Uuid,
        /// `partners.name`.
        name -> Text,
        /// `partners.stage`.
        stage -> Text,
        /// `partners.status`.
        status -> Text,
        /// `partners.industry`.
        industry -> Nullable<Text>,
        /// `partners.subtype`.
        subtype -> Nullable<Text>,
        /// `partners.tier_id`.
        tier_id -> Nullable<crate::types::Uuid>,
        /// `partners.created_at`.
        created_at -> crate::types::UtcTimestamp,
        /// `partners.archived_at`.
        archived_at -> Nullable<crate::types::UtcTimestamp>,
        /// `partner_financials.pipeline_minor` (0 until the rollup row exists).
        pipeline_minor -> BigInt,
        /// `partner_financials.revenue_minor`.
        revenue_minor -> BigInt,
        /// `partner_financials.won_deals`.
        won_deals -> BigInt,
        /// `partner_financials.closed_deals`.
        closed_deals -> BigInt,
        /// `partner_joint_plans.annual_revenue_target_minor`.
        target_minor -> Nullable<BigInt>,
        /// `partner_joint_plans.currency`.
        target_currency -> Nullable<Text>,
        /// `partner_insights.fit_score`.
        fit_score -> Nullable<SmallInt>,
        /// `partner_insights.health_score`.
        health_score -> Nullable<SmallInt>,
        /// `partner_insights.capacity_score`.
        capacity_score -> Nullable<SmallInt>,
        /// `partner_insights.capability_score`.
        capability_score -> Nullable<SmallInt>,
        /// `partner_insights.commitment_score`.
        commitment_score -> Nullable<SmallInt>,
        /// `partner_insights.customer_alignment_score`.
        customer_alignment_score -> Nullable<SmallInt>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    organizations,
    users,
    sessions,
    refresh_tokens,
    invitations,
    api_keys,
    partners,
    partner_insights,
    partner_joint_plans,
    partner_list_values,
    partner_tags,
    partner_stakeholders,
    partner_strengths,
    joint_plan_items,
    partner_overrides,
    audit_entries,
    deal_registrations,
    deals,
    partner_financials,
    partner_contacts,
    partner_views,
    program_segments,
    program_tracks,
    program_track_types,
    program_tiers,
    partner_segments,
    partner_tier_changes,
    generations,
    strategy_versions,
    strategy_cache,
    onboarding,
    edit_conversations,
    edit_messages,
    edit_proposals,
    dashboard_preferences,
    partner_facts,
);
