//! Business days: calendars and ACTUS business-day conventions.
//!
//! A calendar says which days are business days: `none` (ACTUS `NC`, every day) or `weekdays`
//! (ACTUS `MF`, Monday to Friday). A convention says what happens to a scheduled date that is
//! not a business day, and which date interest is calculated to:
//!
//! | convention | ACTUS | the event moves to | interest is calculated to |
//! |---|---|---|---|
//! | `none` | NOS | — | the scheduled date |
//! | `following` | SCF | the next business day | the moved date |
//! | `modified_following` | SCMF | the next business day, or the previous one if that leaves the month | the moved date |
//! | `following_unshifted` | CSF | as `following` | the scheduled date |
//! | `modified_following_unshifted` | CSMF | as `modified_following` | the scheduled date |
//! | `preceding` | SCP | the previous business day | the moved date |
//! | `modified_preceding` | SCMP | the previous business day, or the next one if that leaves the month | the moved date |
//! | `preceding_unshifted` | CSP | as `preceding` | the scheduled date |
//! | `modified_preceding_unshifted` | CSMP | as `modified_preceding` | the scheduled date |
//!
//! ("SC": shift, then calculate; "CS": calculate on the scheduled date, then shift.)

use super::dates::Date;
use crate::check::options::OptionWord;
/// The option enums themselves are the checker's (one list of words: check/options.rs); the
/// ACTUS behaviour is here.
pub use crate::check::options::{BusinessDay, Calendar};

impl BusinessDay {
    /// The ACTUS codes, in the same order.
    pub const ACTUS: [&'static str; 9] = ["NOS", "SCF", "SCMF", "CSF", "CSMF", "SCP", "SCMP", "CSP", "CSMP"];

    /// The convention named `name` in aifin (`modified_following`).
    pub fn named(name: &str) -> Option<BusinessDay> {
        Self::from_word(name)
    }

    /// The aifin name of an ACTUS code (`SCMF` → `modified_following`).
    pub fn name_of_actus(code: &str) -> Option<&'static str> {
        Self::ACTUS.iter().position(|c| *c == code).and_then(|i| Self::WORDS.get(i).copied())
    }

    /// The date an event scheduled on `d` happens.
    pub fn shift(self, d: Date, cal: Calendar) -> Date {
        use BusinessDay as B;
        let (following, modified) = match self {
            B::None => return d,
            B::Following | B::FollowingUnshifted => (true, false),
            B::ModifiedFollowing | B::ModifiedFollowingUnshifted => (true, true),
            B::Preceding | B::PrecedingUnshifted => (false, false),
            B::ModifiedPreceding | B::ModifiedPrecedingUnshifted => (false, true),
        };
        let moved = next_business_day(d, cal, following);
        if modified && moved.m != d.m {
            next_business_day(d, cal, !following)
        } else {
            moved
        }
    }

    /// The date interest on an event scheduled on `d` is calculated to.
    pub fn calculation(self, d: Date, cal: Calendar) -> Date {
        use BusinessDay as B;
        match self {
            B::FollowingUnshifted
            | B::ModifiedFollowingUnshifted
            | B::PrecedingUnshifted
            | B::ModifiedPrecedingUnshifted => d,
            _ => self.shift(d, cal),
        }
    }
}

/// Whether `d` is a business day.
pub fn is_business_day(d: Date, cal: Calendar) -> bool {
    match cal {
        Calendar::None => true,
        // day number 0 (0000-03-01) was a Wednesday: 0 Wed, 1 Thu, 2 Fri, 3 Sat, 4 Sun
        Calendar::Weekdays => !matches!(d.day_number().rem_euclid(7), 3 | 4),
    }
}

/// `d` if it is a business day, else the next (or, `forward` false, the previous) one.
fn next_business_day(d: Date, cal: Calendar, forward: bool) -> Date {
    let step = if forward { 1 } else { -1 };
    let mut x = d;
    // a week always has a business day
    for _ in 0..7 {
        if is_business_day(x, cal) {
            return x;
        }
        x = x.plus_days(step);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_and_conventions() {
        let sun = Date::new(2013, 3, 31);
        assert!(!is_business_day(sun, Calendar::Weekdays));
        assert!(is_business_day(Date::new(2013, 4, 1), Calendar::Weekdays), "a Monday");
        assert!(is_business_day(sun, Calendar::None));
        let shift = |b: BusinessDay| b.shift(sun, Calendar::Weekdays);
        assert_eq!(shift(BusinessDay::Following), Date::new(2013, 4, 1));
        assert_eq!(shift(BusinessDay::ModifiedFollowing), Date::new(2013, 3, 29));
        assert_eq!(shift(BusinessDay::Preceding), Date::new(2013, 3, 29));
        assert_eq!(
            BusinessDay::ModifiedPreceding.shift(Date::new(2013, 6, 1), Calendar::Weekdays),
            Date::new(2013, 6, 3)
        );
        assert_eq!(BusinessDay::FollowingUnshifted.calculation(sun, Calendar::Weekdays), sun);
        assert_eq!(BusinessDay::named("following_unshifted"), Some(BusinessDay::FollowingUnshifted));
        assert_eq!(BusinessDay::name_of_actus("CSMP"), Some("modified_preceding_unshifted"));
    }
}
