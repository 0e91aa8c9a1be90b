//! Partners: the closed vocabularies of partner data, the editable fields a person can
//! override, and the validated values of a partner's profile.
//!
//! Every value type validates in its `parse` function, so a value that exists is valid.
//! Error messages are shown to API clients and name no field; the caller adds the field.

pub mod contacts;
pub mod enums;
pub mod fields;
pub mod policy;
pub mod values;
pub mod views;

pub use contacts::{ContactDetails, ContactPart, MAX_CONTACTS_PER_PARTNER, MAX_PHONE_CHARS};
pub use enums::{
    JointPlanItemKind, ListField, PartnerCategory, PartnerStage, PartnerStatus, PartnerType,
    TagCategory, TierSource,
};
pub use fields::PartnerField;
pub use policy::{
    can_delete_partners, can_keep_views, can_list_partners, can_read_partner, can_write_partners,
};
pub use values::{
    Headcount, JointPlanItem, KeyStrength, LogoUrl, MAX_AI_SUMMARY_CHARS, MAX_DESCRIPTION_CHARS,
    MAX_EXECUTIVE_SUMMARY_CHARS, MAX_INDUSTRY_CHARS, MAX_ITEM_DESCRIPTION_CHARS,
    MAX_JOINT_PLAN_ITEMS, MAX_JOINT_VALUE_PROPOSITION_CHARS, MAX_LIST_ITEM_CHARS, MAX_LIST_ITEMS,
    MAX_NAME_CHARS, MAX_STAKEHOLDERS, MAX_SUBTYPE_CHARS, MAX_URL_CHARS, PartnerName,
    PartnerValueError, QuarterlyWeights, Score, Stakeholder, non_negative_money, normalize_list,
    optional_text,
};
pub use views::{MAX_VIEW_NAME_CHARS, MAX_VIEWS_PER_USER, ViewName};
