//! Partners: the closed vocabularies of partner data, the editable fields a person can
//! override, and the validated values of a partner's profile.
//!
//! Every value type validates in its `parse` function, so a value that exists is valid.
//! Error messages are shown to API clients and name no field; the caller adds the field.

/// Declares a fieldless enum with `ALL`, `as_str`, `parse` and `Display`.
///
/// `parse` matches `as_str` exactly (`exact`) or ignoring ASCII case (`ignore_ascii_case`).
macro_rules! closed_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident;
        as_str = $as_str_doc:literal;
        parse($mode:ident) = $parse_doc:literal;
        {
            $( $(#[$variant_meta:meta])* $variant:ident => $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [Self; [$($text),+].len()] = [$(Self::$variant),+];

            #[doc = $as_str_doc]
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }

            #[doc = $parse_doc]
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL
                    .into_iter()
                    .find(|value| closed_enum!(@matches $mode, value.as_str(), s))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
    (@matches exact, $known:expr, $given:expr) => {
        $known == $given
    };
    (@matches ignore_ascii_case, $known:expr, $given:expr) => {
        $known.eq_ignore_ascii_case($given)
    };
}

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
