//! Exactness after unit conversion (issue 16): `a / b in U` and `a * b in U`, run through
//! `aifin eval`, print the correctly rounded exact value. The reference is computed here,
//! independently of aifin's arithmetic, with big rationals: the exact value rounded half to
//! even at the largest scale (≤ 28 places) whose mantissa fits a decimal's 96 bits.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::process::Command;
use std::str::FromStr;

/// Seconds in each time unit of the prelude (`year = 365 day`, `month = year / 12`).
const TIME: &[(&str, i64, i64)] = &[
    ("second", 1, 1),
    ("minute", 60, 1),
    ("hour", 3_600, 1),
    ("day", 86_400, 1),
    ("week", 604_800, 1),
    ("month", 31_536_000, 12),
    ("quarter", 31_536_000, 4),
    ("year", 31_536_000, 1),
];

fn rat(n: i64, d: i64) -> BigRational {
    BigRational::new(BigInt::from(n), BigInt::from(d))
}

fn dec_rat(x: Decimal) -> BigRational {
    BigRational::new(BigInt::from(x.mantissa()), BigInt::from(10).pow(x.scale()))
}

/// The correctly rounded decimal of `x`, or `None` if it is beyond the decimal range.
fn reference(x: &BigRational) -> Option<Decimal> {
    let max = BigInt::from_str("79228162514264337593543950335").ok()?;
    for scale in (0..=28u32).rev() {
        let scaled = x * BigRational::from_integer(BigInt::from(10).pow(scale));
        let floor = scaled.floor();
        let frac = &scaled - &floor;
        let half = rat(1, 2);
        let mut m = floor.to_integer();
        if frac > half || (frac == half && (&m % 2) != BigInt::zero()) {
            m += 1;
        }
        if m.abs() <= max {
            let m = i128::from_str(&m.to_string()).ok()?;
            return Decimal::try_from_i128_with_scale(m, scale).ok();
        }
    }
    None
}

fn eval(expr: &str) -> Result<Decimal, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_aifin")).args(["eval", expr]).output().map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    if !out.status.success() {
        return Err(format!("{text}{}", String::from_utf8_lossy(&out.stderr)));
    }
    let first = text.split_whitespace().next().unwrap_or("").replace(',', "");
    Decimal::from_str(&first).map_err(|e| format!("{text}: {e}"))
}

fn check(expr: &str, exact: &BigRational) -> Result<(), TestCaseError> {
    match (eval(expr), reference(exact)) {
        (Ok(got), Some(want)) => prop_assert_eq!(got, want, "{} (exact {})", expr, exact),
        (Err(_), None) => {}
        (got, want) => prop_assert!(false, "{expr}: got {got:?}, want {want:?} (exact {exact})"),
    }
    Ok(())
}

fn amount() -> impl Strategy<Value = Decimal> {
    (1i64..=999_999_999_999, 0u32..=12).prop_map(|(m, s)| Decimal::new(m, s))
}

fn time() -> impl Strategy<Value = usize> {
    0..TIME.len()
}

fn secs(i: usize) -> BigRational {
    let (_, n, d) = TIME[i % TIME.len()];
    rat(n, d)
}

fn name(i: usize) -> &'static str {
    TIME[i % TIME.len()].0
}

#[test]
fn the_issue_examples_are_correctly_rounded() {
    assert_eq!(eval("1 USD/day / (3 USD/year)").ok(), Decimal::from_str("121.66666666666666666666666667").ok());
    assert_eq!(
        eval("15M USD/day / (175B USD/year) in %").ok(),
        Decimal::from_str("3.1285714285714285714285714286").ok()
    );
    assert_eq!(eval("15M USD/day / (175B USD/year)").ok(), Decimal::from_str("0.0312857142857142857142857143").ok());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// `a USD/T1 / (b USD/T2) in %|bp` and without `in` (a pure number).
    #[test]
    fn quotients_of_rates(a in amount(), b in amount(), t1 in time(), t2 in time(), into in 0usize..3, neg in any::<bool>()) {
        let a = if neg { -a } else { a };
        let exact = dec_rat(a) / secs(t1) / (dec_rat(b) / secs(t2));
        let (suffix, scale) = match into { 0 => ("", rat(1, 1)), 1 => (" in %", rat(100, 1)), _ => (" in bp", rat(10_000, 1)) };
        let expr = format!("({a} USD/{}) / ({b} USD/{}){suffix}", name(t1), name(t2));
        check(&expr, &(exact * scale))?;
    }

    /// `a USD/T1 * b T2 in USD`, `a USD/T1 * b in USD/T2`, `a kW * b T1 in MWh` and
    /// `a MWh / (b T1) in kW`.
    #[test]
    fn products_and_quotients_across_units(a in amount(), b in amount(), t1 in time(), t2 in time(), t3 in time(), kind in 0usize..4) {
        let (expr, exact) = match kind {
            0 => (
                format!("{a} USD/{} * {b} {} in USD", name(t1), name(t2)),
                dec_rat(a) / secs(t1) * dec_rat(b) * secs(t2),
            ),
            3 => (
                format!("{a} USD/{} * {b} in USD/{}", name(t1), name(t3)),
                dec_rat(a) / secs(t1) * dec_rat(b) * secs(t3),
            ),
            1 => (
                format!("{a} kW * {b} {} in MWh", name(t1)),
                dec_rat(a) * rat(1000, 1) * dec_rat(b) * secs(t1) / rat(3_600_000_000, 1),
            ),
            _ => (
                format!("{a} MWh / ({b} {}) in kW", name(t1)),
                dec_rat(a) * rat(3_600_000_000, 1) / (dec_rat(b) * secs(t1)) / rat(1000, 1),
            ),
        };
        check(&expr, &exact)?;
    }

    /// Same-unit quotients and products (no conversion) are correctly rounded too.
    #[test]
    fn plain_quotients_and_products(a in amount(), b in amount(), div in any::<bool>()) {
        let (expr, exact) = if div {
            (format!("{a} / {b}"), dec_rat(a) / dec_rat(b))
        } else {
            (format!("{a} * {b}"), dec_rat(a) * dec_rat(b))
        };
        check(&expr, &exact)?;
    }
}
