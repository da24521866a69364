//! The option words of entity fields, contract terms and scenario settings (`daycount A360`,
//! `amortization annuity`, `after_default continue`, `rounding half_up`) and of built-ins'
//! named arguments (`extrapolate: trend`), each set as an enum.
//!
//! This is the one place a word is spelled: the spec tables (`super::spec`) list an enum's
//! `WORDS` as a field's choices (so the checker accepts exactly these and the docs tables show
//! them), and the checker's lowering (`super::typed`) turns a declared word, or the spec's
//! default, into the enum once. The evaluator matches on the enums, never on text.

/// An option enum: its words in declaration order, and the conversions both ways.
pub trait OptionWord: Sized + Copy + 'static {
    /// Every word, in the order of the variants.
    const WORDS: &'static [&'static str];
    /// The variant a word names.
    fn from_word(word: &str) -> Option<Self>;
    /// The word of a variant.
    fn word(self) -> &'static str;
}

macro_rules! option_words {
    ($($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $w:literal),+ $(,)? })+) => {
        $(
            $(#[$m])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum $name {
                $($(#[$vm])* $v),+
            }

            impl $name {
                /// Every word, in the order of the variants (the spec's choices).
                pub const WORDS: &'static [&'static str] = &[$($w),+];
                /// Every variant.
                pub const ALL: &'static [$name] = &[$($name::$v),+];
            }

            impl OptionWord for $name {
                const WORDS: &'static [&'static str] = $name::WORDS;
                fn from_word(word: &str) -> Option<Self> {
                    match word {
                        $($w => Some($name::$v),)+
                        _ => None,
                    }
                }
                fn word(self) -> &'static str {
                    match self {
                        $($name::$v => $w),+
                    }
                }
            }
        )+

        /// The word lists of every option enum (tests/architecture.rs holds the evaluator to
        /// never spelling one of them).
        pub const ALL_WORDS: &[&[&str]] = &[$($name::WORDS),+];
    };
}

option_words! {
    /// What an entity is (`kind`).
    EntityKind { Company = "company", Lender = "lender", Fund = "fund", Investor = "investor", Government = "government" }
    /// What a defaulted entity pays its creditors (`default`).
    DefaultPolicy { ProRata = "pro_rata", Recovery = "recovery", Nothing = "nothing" }
    /// Whether a defaulter's operations go on (`after_default`).
    AfterDefault { Stop = "stop", Continue = "continue" }
    /// How a take-or-pay's total spreads over its term, when not a curve (`schedule`).
    Spread { Even = "even", Ramp = "ramp" }
    /// Payment at the start or end of a period or cycle (`timing`).
    Timing { Advance = "advance", Arrears = "arrears" }
    /// A loan's repayment profile (`amortization`): ACTUS PAM, ANN, LAM, NAM.
    Amortization {
        /// PAM: all at maturity.
        Bullet = "bullet",
        /// ANN: a constant instalment of principal and interest.
        Annuity = "annuity",
        /// LAM: a constant principal payment.
        Linear = "linear",
        /// NAM: a fixed payment that includes the interest (principal may grow when it does not
        /// cover it); unlike an annuity, a rate reset does not change the payment.
        Negative = "negative",
    }
    /// A loan's day count (`daycount`).
    DayCount {
        /// Actual days / 365.
        A365 = "A365",
        /// Actual days / 360.
        A360 = "A360",
        /// Actual/actual ISDA: days in each calendar year over that year's length.
        AA = "AA",
        /// 30E/360: days of month capped at 30.
        E30_360 = "E30_360",
    }
    /// Whose view signs a loan's schedule (`role`).
    LoanRole { Lender = "lender", Borrower = "borrower" }
    /// A cycle's stub rule (`stub`, `principal_stub`, …).
    Stub { Short = "short", Long = "long" }
    /// The end-of-month convention (`end_of_month`).
    EndOfMonth { SameDay = "same_day", EndOfMonth = "end_of_month" }
    /// How a date that is not a business day moves (`business_day`), in the order of
    /// contracts/business.rs's `BusinessDay::ALL`.
    BusinessDay {
        /// NOS.
        None = "none",
        /// SCF.
        Following = "following",
        /// SCMF.
        ModifiedFollowing = "modified_following",
        /// CSF.
        FollowingUnshifted = "following_unshifted",
        /// CSMF.
        ModifiedFollowingUnshifted = "modified_following_unshifted",
        /// SCP.
        Preceding = "preceding",
        /// SCMP.
        ModifiedPreceding = "modified_preceding",
        /// CSP.
        PrecedingUnshifted = "preceding_unshifted",
        /// CSMP.
        ModifiedPrecedingUnshifted = "modified_preceding_unshifted",
    }
    /// Which days are business days (`calendar`).
    Calendar {
        /// Every day (ACTUS `NC`).
        None = "none",
        /// Monday to Friday (ACTUS `MF`).
        Weekdays = "weekdays",
    }
    /// What a loan's interest accrues on (`interest_base`).
    InterestBase { Notional = "notional", AtStart = "at_start", Lagged = "lagged" }
    /// Which payments an index scales (`scaling_effect`).
    ScalingEffect { Interest = "interest", Principal = "principal", Both = "both" }
    /// How both sides book a transfer (`kind`).
    TransferKind { Revenue = "revenue", Cost = "cost", Capex = "capex", Financing = "financing" }
    /// How `table(…)` extends past its last anchor (`extrapolate:`).
    Extrapolation { Hold = "hold", Trend = "trend" }
    /// How `table(…)` fills between anchors (`interpolation:`).
    Interpolation { Linear = "linear", Step = "step" }
    /// When `npv`/`fv` (std/finance) take a period's flow (`timing:`).
    FlowTiming { End = "end", Start = "start" }
    /// A scenario's rounding rule (`rounding`).
    Rounding { Banker = "banker", HalfUp = "half_up", None = "none" }
}

/// A scenario's settings when neither it nor a scenario it extends names them: the one place
/// these defaults are decided (the evaluator reads them; docs/language.md § Scenarios says
/// the same).
pub mod scenario_default {
    /// The rounding rule: half to even.
    pub const ROUNDING: super::Rounding = super::Rounding::Banker;
    /// The currency of the books and reports (a unit of `std_lib/units.aifin`).
    pub const CURRENCY: &str = "USD";
}

#[cfg(test)]
mod tests {
    use super::super::spec::{FieldType, CONTRACTS, ENTITY_FIELDS};

    /// Every choice's default that is a word is one of its choices (the lowering parses it).
    #[test]
    fn every_choice_default_is_one_of_its_words() {
        for f in ENTITY_FIELDS.iter().chain(CONTRACTS.iter().flat_map(|c| c.fields.iter())) {
            if let FieldType::Choice(words) | FieldType::ChoiceOrSeries(words) = f.ty {
                if !f.default.starts_with('`') {
                    assert!(words.contains(&f.default), "{}: default {} is not one of {words:?}", f.name, f.default);
                }
            }
        }
    }
}
