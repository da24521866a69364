//! `number::sqrt_product` (the median √(low·high) of a range, issue 19) against an independent
//! oracle: no square root is taken here. The result `r` is accepted when, in exact rationals,
//! `(r − u/2)² ≤ a·b ≤ (r + u/2)²` with `u = 10^-s` and `s` the largest scale ≤ 28 at which the
//! correctly rounded root still has a mantissa below 2^96 (a tie goes to the even mantissa).
//! Operands range over all of `Decimal`: any mantissa of up to 96 bits at any scale 0..=28,
//! perfect squares, and the smallest and largest values.

use aifin::number::{sqrt_product, sqrt_quotient, ArithError};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn rat(x: Decimal) -> BigRational {
    BigRational::new(BigInt::from(x.mantissa()), BigInt::from(10).pow(x.scale()))
}

fn pow10(s: u32) -> BigRational {
    BigRational::from_integer(BigInt::from(10).pow(s))
}

/// The scale the correctly rounded root of `x` is given at: the largest `s ≤ 28` with
/// `√x·10^s < 2^96 − ½` (at or past it the rounded mantissa would be 2^96; `2^96 − 1` is odd,
/// so the tie rounds up too). `None` when even `s = 0` does not fit.
fn scale_of(x: &BigRational) -> Option<u32> {
    let edge = BigRational::from_integer(BigInt::from(1u128 << 96)) - BigRational::new(BigInt::one(), BigInt::from(2));
    let edge_sq = &edge * &edge;
    (0..=28u32).rev().find(|s| x * pow10(2 * s) < edge_sq)
}

/// Whether `r` is `√x` correctly rounded (half to even) at scale `s`.
fn is_rounded_root(r: Decimal, x: &BigRational, s: u32) -> Result<(), String> {
    if r.scale() > s {
        return Err(format!("{r} has more than {s} places"));
    }
    let m = rat(r) * pow10(s);
    if !m.is_integer() {
        return Err(format!("{r} is not a whole number of 10^-{s}"));
    }
    let m = m.to_integer();
    let half_ulp = BigRational::new(BigInt::one(), BigInt::from(2) * BigInt::from(10).pow(s));
    let (lo, hi) = (rat(r) - &half_ulp, rat(r) + &half_ulp);
    let lo_sq = if lo < BigRational::zero() { BigRational::zero() } else { &lo * &lo };
    let hi_sq = &hi * &hi;
    if *x < lo_sq || *x > hi_sq {
        return Err(format!("{r} is more than half a unit of 10^-{s} from the root of {x}"));
    }
    let even = (&m % 2) == BigInt::zero();
    if (*x == lo_sq || *x == hi_sq) && !even {
        return Err(format!("{r}: a tie must round to the even mantissa"));
    }
    Ok(())
}

fn verify(a: Decimal, b: Decimal) -> Result<(), String> {
    verify_root(sqrt_product(a, b), &(rat(a) * rat(b)), &format!("√({a}·{b})"))
}

fn verify_root(got: Result<Decimal, ArithError>, x: &BigRational, what: &str) -> Result<(), String> {
    match (got, scale_of(x)) {
        (Ok(r), Some(s)) => is_rounded_root(r, x, s).map_err(|e| format!("{what}: {e}")),
        (Err(ArithError::Overflow), None) => Ok(()),
        (got, s) => Err(format!("{what}: got {got:?}, scale {s:?}")),
    }
}

/// Any non-negative decimal: a mantissa of up to 96 bits, any scale 0..=28.
fn decimal() -> impl Strategy<Value = Decimal> {
    let small = (0u64..=1_000_000, 0u32..=28).prop_map(|(m, s)| Decimal::from_i128_with_scale(i128::from(m), s));
    let wide = (any::<u128>(), 0u32..=28).prop_map(|(m, s)| Decimal::from_i128_with_scale((m >> 32) as i128, s));
    let edge = prop::sample::select(vec![
        Decimal::ZERO,
        Decimal::ONE,
        Decimal::MAX,
        Decimal::new(1, 28),
        Decimal::from_i128_with_scale((1i128 << 96) - 1, 28),
        Decimal::from_i128_with_scale(1i128 << 95, 0),
    ]);
    prop_oneof![small, wide, edge]
}

#[test]
fn edge_cases() {
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    let cases = [
        (d("0"), d("0")),
        (d("1"), d("1")),
        (d("4"), d("9")),
        (d("2"), d("3")),
        (d("0.05"), d("0.15")),
        (d("0.0000000000000000000000000001"), d("0.0000000000000000000000000001")),
        (d("0.0000000000000000000000000001"), d("0.0000000000000000000000000002")),
        (d("0.0000000000000000000000000001"), Decimal::MAX),
        (Decimal::MAX, Decimal::MAX),
        (Decimal::MAX, d("0.0000000000000000000000000001")),
        (d("7.9228162514264337593543950335"), d("7.9228162514264337593543950335")),
        (d("8"), d("8")),
        (d("7.92"), d("7.93")),
        (d("62.5"), d("1")),
        (d("30000"), d("40000")),
        (d("1e-10"), d("1e20")),
    ];
    for (a, b) in cases {
        verify(a, b).unwrap();
        verify(b, a).unwrap();
    }
    // a negative operand has no root, even when the product of two is positive
    assert_eq!(sqrt_product(d("-1"), d("5")), Err(ArithError::BadPower));
    assert_eq!(sqrt_product(d("-4"), d("-9")), Err(ArithError::BadPower));
    assert_eq!(sqrt_product(d("-0"), d("5")), Ok(Decimal::ZERO));
    // perfect squares stay exact
    for (a, b, r) in [("4", "9", "6"), ("0.01", "0.0004", "0.002"), ("2.25", "1", "1.5"), ("1e20", "1e20", "1e20")] {
        assert_eq!(sqrt_product(d(a), d(b)), Ok(d(r)), "√({a}·{b})");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn the_root_is_correctly_rounded(a in decimal(), b in decimal()) {
        prop_assert!(verify(a, b).is_ok(), "{}", verify(a, b).err().unwrap_or_default());
    }

    /// With a unit's ratio under the root (`1 USD/month .. 2 USD/week`: ×365/84): rounded once.
    #[test]
    fn a_root_with_a_ratio_is_correctly_rounded(a in decimal(), b in decimal(), num in 1u32..=31_536_000, den in 1u32..=604_800) {
        let (n, d) = (Decimal::from(num), Decimal::from(den));
        let x = rat(a) * rat(b) * rat(n) / rat(d);
        let r = verify_root(sqrt_quotient(&[a, b, n], &[d]), &x, &format!("√({a}·{b}·{num}/{den})"));
        prop_assert!(r.is_ok(), "{}", r.err().unwrap_or_default());
    }

    /// The square of any decimal whose square is a decimal comes back exactly.
    #[test]
    fn perfect_squares_are_exact(m in 0u64..=u64::from(u32::MAX), s in 0u32..=14) {
        let r = Decimal::from_i128_with_scale(i128::from(m), s);
        prop_assert_eq!(sqrt_product(r, r), Ok(r.normalize()));
    }
}
