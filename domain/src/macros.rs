//! Macros shared by the domain modules.

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
