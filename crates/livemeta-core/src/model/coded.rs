//! The one vocabulary of options: each choice lists its values once, with their short codes,
//! and the command line, the link and the tests parse and describe a choice from that list.

/// A choice named by a short code (`RR`, `REML`, `knha`, ...). A new value is added to `ALL`
/// and `code` only; parsing, usage text and the messages about a value that is not known follow.
pub trait Coded: Copy + PartialEq + 'static {
    /// Every value, in the order the controls and the messages list them.
    const ALL: &'static [Self];
    /// Whether a code must match in case; the statistical codes (RR, REML, only0) do not.
    const CASE_SENSITIVE: bool = true;

    fn code(self) -> &'static str;

    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| {
            if Self::CASE_SENSITIVE {
                v.code() == code
            } else {
                v.code().eq_ignore_ascii_case(code)
            }
        })
    }

    /// The codes as a sentence says them: "RR, OR, RD, PETO or AS".
    fn codes_in_words() -> String {
        let codes: Vec<&str> = Self::ALL.iter().map(|v| v.code()).collect();
        match codes.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => codes.concat(),
        }
    }

    /// The codes as usage text lists them: "RR|OR|RD|PETO|AS".
    fn codes_in_usage() -> String {
        Self::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join("|")
    }
}

/// Implements `Coded` for a type whose inherent `code` names its values: the list of values,
/// and whether the codes ignore case.
macro_rules! impl_coded {
    ($t:ty, [$($value:expr),+ $(,)?], case_sensitive: $case:expr) => {
        impl $crate::model::Coded for $t {
            const ALL: &'static [$t] = &[$($value),+];
            const CASE_SENSITIVE: bool = $case;
            fn code(self) -> &'static str {
                <$t>::code(self)
            }
        }
    };
}
pub(crate) use impl_coded;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CiMethod, Measure, Model, Tau2Method};

    #[test]
    fn every_code_reads_back_as_its_value() {
        fn round_trip<T: Coded + std::fmt::Debug>() {
            for v in T::ALL {
                assert_eq!(T::from_code(v.code()), Some(*v));
            }
        }
        round_trip::<Measure>();
        round_trip::<Model>();
        round_trip::<Tau2Method>();
        round_trip::<CiMethod>();
    }

    #[test]
    fn the_messages_name_every_value() {
        assert_eq!(Measure::codes_in_words(), "RR, OR, RD, PETO or AS");
        assert_eq!(Measure::codes_in_usage(), "RR|OR|RD|PETO|AS");
        assert_eq!(Measure::from_code("peto"), Some(Measure::PetoOR));
        assert_eq!(CiMethod::from_code("KNHA"), None);
    }
}
