//! Exact numbers: literal parsing, formatting and the audited arithmetic helpers.
//!
//! Every value in aifin is a `rust_decimal::Decimal` (96-bit mantissa, scale 0..=28). Addition,
//! subtraction and multiplication are exact whenever the result fits; division rounds to 28
//! decimal places (banker's rounding) as rust_decimal does, so a quotient below 1 keeps fewer
//! than 28 significant digits and a product below 1e-28 underflows to 0. Nothing here uses
//! `f64`. Every operation is `checked_*`; failures come back as [`ArithError`] for the caller
//! to turn into a diagnostic at the right span.

use num_bigint::BigInt;
use num_traits::{Signed, Zero};
use rust_decimal::prelude::*;
use rust_decimal::Decimal;

/// Why an arithmetic operation has no result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithError {
    /// The result is beyond ±79,228,162,514,264,337,593,543,950,335.
    Overflow,
    /// Division (or a negative power) of zero.
    DivisionByZero,
    /// A power with no real or no representable result.
    BadPower,
}

impl ArithError {
    /// A short description.
    pub fn describe(self) -> &'static str {
        match self {
            ArithError::Overflow => "the result does not fit an exact decimal (|x| < 7.9e28)",
            ArithError::DivisionByZero => "division by zero",
            ArithError::BadPower => "this power cannot be computed exactly",
        }
    }
}

/// Why a literal is not a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiteralError {
    /// Too large, or too many decimals, for an exact decimal.
    OutOfRange,
}

/// Parses a number literal as written in .aifin (`1_000`, `3.5B`, `0.08`), exactly.
pub fn parse_literal(text: &str) -> Result<Decimal, LiteralError> {
    let (digits, scale10) = match text.chars().last() {
        Some('k') => (&text[..text.len() - 1], 3),
        Some('M') => (&text[..text.len() - 1], 6),
        Some('B') => (&text[..text.len() - 1], 9),
        Some('T') => (&text[..text.len() - 1], 12),
        _ => (text, 0),
    };
    // most literals have no `_` and no magnitude: parsed in place, nothing multiplied (a
    // string per literal and a multiplication by one were ~1 % of parsing; issue 20)
    let base = if digits.contains('_') {
        let clean: String = digits.chars().filter(|c| *c != '_').collect();
        Decimal::from_str_exact(&clean)
    } else {
        Decimal::from_str_exact(digits)
    }
    .map_err(|_| LiteralError::OutOfRange)?;
    if scale10 == 0 {
        return Ok(base);
    }
    let mult = Decimal::from_i128_with_scale(10i128.pow(scale10), 0);
    base.checked_mul(mult).ok_or(LiteralError::OutOfRange)
}

/// `a + b`
pub fn add(a: Decimal, b: Decimal) -> Result<Decimal, ArithError> {
    a.checked_add(b).ok_or(ArithError::Overflow)
}
/// `a - b`
pub fn sub(a: Decimal, b: Decimal) -> Result<Decimal, ArithError> {
    a.checked_sub(b).ok_or(ArithError::Overflow)
}
/// `a * b`
pub fn mul(a: Decimal, b: Decimal) -> Result<Decimal, ArithError> {
    a.checked_mul(b).ok_or(ArithError::Overflow)
}
/// `a / b`, rounded half to even to what the 96-bit mantissa holds: at most 28 decimal places
/// and 28–29 significant digits (`100/3` keeps 27 decimals, `1000000/3` 23).
pub fn div(a: Decimal, b: Decimal) -> Result<Decimal, ArithError> {
    if b.is_zero() {
        return Err(ArithError::DivisionByZero);
    }
    a.checked_div(b).ok_or(ArithError::Overflow)
}

/// `a * b` if it is exact (no digit rounded away), else `None`.
pub fn mul_exact(a: Decimal, b: Decimal) -> Option<Decimal> {
    let scale = a.scale() + b.scale();
    let p = a.checked_mul(b)?;
    (scale <= 28 && p.scale() == scale).then_some(p)
}

/// `x` as an exact pair `(mantissa, 10^scale)`.
fn big_parts(x: Decimal) -> (BigInt, BigInt) {
    (BigInt::from(x.mantissa()), BigInt::from(10u32).pow(x.scale()))
}

/// `nums[0] · nums[1] · … / (dens[0] · dens[1] · …)` computed exactly with big integers and
/// rounded once to the nearest decimal (half to even), keeping as many of the 28 decimal
/// places as the 96-bit mantissa allows. This is how a product or quotient that also changes
/// unit (`USD/day / (USD/year)` is ×365) stays correctly rounded: the unit's ratio joins the
/// exact fraction instead of multiplying an already rounded quotient.
pub fn product_quotient(nums: &[Decimal], dens: &[Decimal]) -> Result<Decimal, ArithError> {
    let (mut p, mut q) = (BigInt::from(1u32), BigInt::from(1u32));
    for x in nums {
        let (m, s) = big_parts(*x);
        p *= m;
        q *= s;
    }
    for x in dens {
        if x.is_zero() {
            return Err(ArithError::DivisionByZero);
        }
        let (m, s) = big_parts(*x);
        p *= s;
        q *= m;
    }
    round_fraction(p, q)
}

/// The decimal nearest to `p / q` (half to even) with the largest scale ≤ 28 whose mantissa
/// fits 96 bits; values below 0.5e-28 are 0.
pub fn round_fraction(p: BigInt, q: BigInt) -> Result<Decimal, ArithError> {
    if q.is_zero() {
        return Err(ArithError::DivisionByZero);
    }
    let negative = p.is_negative() != q.is_negative();
    let (a, q) = (p.abs(), q.abs());
    if a.is_zero() {
        return Ok(Decimal::ZERO);
    }
    let limit = BigInt::from(1u128 << 96);
    let rounded = |scale: u32| -> BigInt {
        let shifted = &a * BigInt::from(10u32).pow(scale);
        let (m, rem) = (&shifted / &q, &shifted % &q);
        let twice: BigInt = rem * 2u32;
        let odd = (&m % 2u32) == BigInt::from(1u32);
        if twice > q || (twice == q && odd) {
            m + 1u32
        } else {
            m
        }
    };
    // digits of the integer part decide how many of the 28 places fit
    let whole_digits = (&a / &q).to_string().len() as u32;
    let mut scale = 28u32.saturating_sub(whole_digits.saturating_sub(1));
    loop {
        let m = rounded(scale);
        if m < limit {
            let (_, digits) = m.to_u64_digits();
            let mut v: u128 = 0;
            for d in digits.iter().rev() {
                v = (v << 64) | u128::from(*d);
            }
            let v = i128::try_from(v).map_err(|_| ArithError::Overflow)?;
            let v = if negative { -v } else { v };
            let d = Decimal::try_from_i128_with_scale(v, scale).map_err(|_| ArithError::Overflow)?;
            return Ok(if d.is_zero() { Decimal::ZERO } else { d.normalize() });
        }
        if scale == 0 {
            return Err(ArithError::Overflow);
        }
        scale -= 1;
    }
}

/// `√(a·b)` for `a, b ≥ 0`, computed exactly with big integers and rounded once, like
/// [`round_fraction`]: the decimal nearest to the true root (half to even) with the largest
/// scale ≤ 28 whose mantissa fits 96 bits. This is the median of a lognormal whose 5th and 95th
/// percentiles are `a` and `b` (`aifin::eval::uncertain`); no `f64` and no iteration that could
/// stop short. A negative operand is [`ArithError::BadPower`], even when the product of two
/// is positive: no percentile of a lognormal is negative.
pub fn sqrt_product(a: Decimal, b: Decimal) -> Result<Decimal, ArithError> {
    sqrt_quotient(&[a, b], &[])
}

/// `√(nums[0] · nums[1] · … / (dens[0] · dens[1] · …))` for non-negative operands, computed
/// exactly and rounded once as [`sqrt_product`] rounds: a unit's ratio joins the fraction
/// under the root (as in [`product_quotient`]), so a range whose ends are in different units
/// (`1 USD/month .. 2 USD/week`) is not rounded twice.
pub fn sqrt_quotient(nums: &[Decimal], dens: &[Decimal]) -> Result<Decimal, ArithError> {
    if nums.iter().chain(dens).any(|x| *x < Decimal::ZERO) {
        return Err(ArithError::BadPower);
    }
    let (mut p, mut q) = (BigInt::from(1u32), BigInt::from(1u32));
    for x in nums {
        let (m, s) = big_parts(*x);
        p *= m;
        q *= s;
    }
    for x in dens {
        let (m, s) = big_parts(*x);
        p *= s;
        q *= m;
    }
    if q.is_zero() {
        return Err(ArithError::DivisionByZero);
    }
    if p.is_zero() {
        return Ok(Decimal::ZERO);
    }
    let limit = BigInt::from(1u128 << 96);
    // the root times 10^scale, rounded: with R = p·10^(2·scale)/q, f = ⌊√R⌋ = ⌊√⌊R⌋⌋, and
    // √R ≥ f + ½ exactly when 4R ≥ (2f + 1)², all in integers
    let rounded = |scale: u32| -> BigInt {
        let num = &p * BigInt::from(10u32).pow(2 * scale);
        let f = (&num / &q).sqrt();
        let twice_plus_one: BigInt = &f * 2u32 + 1u32;
        let lhs: BigInt = num * 4u32;
        let rhs: BigInt = &twice_plus_one * &twice_plus_one * &q;
        let odd = (&f % 2u32) == BigInt::from(1u32);
        if lhs > rhs || (lhs == rhs && odd) {
            f + 1u32
        } else {
            f
        }
    };
    // digits of the root's integer part decide how many of the 28 places fit
    let whole_digits = (&p / &q).sqrt().to_string().len() as u32;
    let mut scale = 28u32.saturating_sub(whole_digits.saturating_sub(1));
    loop {
        let m = rounded(scale);
        if m < limit {
            let v = i128::try_from(m).map_err(|_| ArithError::Overflow)?;
            let d = Decimal::try_from_i128_with_scale(v, scale).map_err(|_| ArithError::Overflow)?;
            return Ok(d.normalize());
        }
        if scale == 0 {
            return Err(ArithError::Overflow);
        }
        scale -= 1;
    }
}

/// `a^n` for a whole exponent, by repeated squaring with checked products. A negative
/// exponent divides once at the end (`a^-n = 1 / a^n`), so the only rounding is that division.
pub fn powi(a: Decimal, n: i64) -> Result<Decimal, ArithError> {
    if n == 0 {
        return Ok(Decimal::ONE);
    }
    let mut base = a;
    let mut e = n.unsigned_abs();
    let mut acc = Decimal::ONE;
    while e > 0 {
        if e & 1 == 1 {
            acc = mul(acc, base)?;
        }
        e >>= 1;
        if e > 0 {
            base = mul(base, base)?;
        }
    }
    if n < 0 {
        div(Decimal::ONE, acc)
    } else {
        Ok(acc)
    }
}

/// The exponent as a whole number, if it is one.
pub fn as_integer(x: Decimal) -> Option<i64> {
    if x.fract().is_zero() {
        x.trunc().to_i64()
    } else {
        None
    }
}

/// `a^x` for any exponent: whole exponents exactly ([`powi`]); otherwise `a` must be positive
/// and the result is `exp(x · ln a)` computed in rust_decimal's `maths` (28 decimal places,
/// accurate to ≥ 24 significant digits; see the tests), never through `f64`.
pub fn pow(a: Decimal, x: Decimal) -> Result<Decimal, ArithError> {
    if let Some(n) = as_integer(x) {
        return powi(a, n);
    }
    if a.is_zero() {
        return if x.is_sign_positive() { Ok(Decimal::ZERO) } else { Err(ArithError::DivisionByZero) };
    }
    if a.is_sign_negative() {
        return Err(ArithError::BadPower);
    }
    // Split x = whole + frac so the transcendental part stays small and accurate.
    let whole = x.trunc();
    let frac = x - whole;
    let w = as_integer(whole).ok_or(ArithError::Overflow)?;
    let int_part = powi(a, w)?;
    let ln = a.checked_ln().ok_or(ArithError::BadPower)?;
    let e = ln.checked_mul(frac).ok_or(ArithError::Overflow)?;
    let frac_part = e.checked_exp().ok_or(ArithError::Overflow)?;
    mul(int_part, frac_part)
}

/// `e^x` in rust_decimal's `maths` (28 decimal places): below -64 the result is smaller than
/// the smallest decimal and is 0; above 64 it is beyond the decimal range.
pub fn exp(x: Decimal) -> Result<Decimal, ArithError> {
    if x < Decimal::from(-64) {
        return Ok(Decimal::ZERO);
    }
    if x > Decimal::from(64) {
        return Err(ArithError::Overflow);
    }
    x.checked_exp().ok_or(ArithError::Overflow)
}

/// The exact value with no grouping and no trailing zeros: `1875000000`, `0.5`, `-3`.
pub fn format_exact(x: Decimal) -> String {
    let n = x.normalize();
    if n.is_zero() {
        "0".to_string()
    } else {
        n.to_string()
    }
}

/// How to round for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// Round half to even (banker's rounding).
    Banker,
    /// Round half away from zero.
    HalfUp,
    /// Do not round.
    None,
}

/// Rounds to `dp` decimal places by `rule`.
pub fn round(x: Decimal, dp: u32, rule: Rounding) -> Decimal {
    match rule {
        Rounding::Banker => x.round_dp_with_strategy(dp, RoundingStrategy::MidpointNearestEven),
        Rounding::HalfUp => x.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero),
        Rounding::None => x,
    }
}

/// Groups the integer digits of a plain decimal string with `,` every three digits:
/// `-1234567.5` → `-1,234,567.5`.
pub fn group_digits(plain: &str) -> String {
    let (sign, rest) = match plain.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", plain),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// `x` rounded to `dp` places and printed with exactly `dp` decimals and grouped digits.
pub fn format_fixed(x: Decimal, dp: u32, rule: Rounding) -> String {
    let mut r = round(x, dp, rule);
    if rule != Rounding::None {
        r.rescale(dp);
    }
    let s = if r.is_zero() { r.abs().to_string() } else { r.to_string() };
    group_digits(&s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn sqrt_product_is_the_correctly_rounded_root() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        // √(30000·40000) = √1.2e9 = 34641.01615137754587054892683011744733885610507620…
        assert_eq!(sqrt_product(d("30000"), d("40000")), Ok(d("34641.016151377545870548926830")));
        // exact squares stay exact; a tie rounds to even
        assert_eq!(sqrt_product(d("4"), d("9")), Ok(d("6")));
        assert_eq!(sqrt_product(d("0.01"), d("0.0004")), Ok(d("0.002")));
        // √2 to 28 places: 1.41421356237309504880168872420969807856967187537694…
        assert_eq!(sqrt_product(d("1"), d("2")), Ok(d("1.4142135623730950488016887242")));
        // the largest decimals: √(7.9e28 · 7.9e28) = 7.9e28 fits
        assert_eq!(sqrt_product(Decimal::MAX, Decimal::MAX), Ok(Decimal::MAX));
        assert_eq!(sqrt_product(d("0"), d("5")), Ok(Decimal::ZERO));
        assert_eq!(sqrt_product(d("-1"), d("5")), Err(ArithError::BadPower));
        // a tiny root: √(1e-28 · 1e-28) = 1e-28
        assert_eq!(
            sqrt_product(d("0.0000000000000000000000000001"), d("0.0000000000000000000000000001")),
            Ok(d("0.0000000000000000000000000001"))
        );
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    #[test]
    fn literals_take_suffixes_and_separators() {
        assert_eq!(parse_literal("3.5B"), Ok(d("3500000000")));
        assert_eq!(parse_literal("10_000"), Ok(d("10000")));
        assert_eq!(parse_literal("1.4T"), Ok(d("1400000000000")));
        assert_eq!(parse_literal("250k"), Ok(d("250000")));
        // the digits as written, trailing zeros kept (`1.50` is 1.50, with or without a suffix)
        assert_eq!(parse_literal("1.50").map(|x| (x.to_string(), x.scale())), Ok(("1.50".into(), 2)));
        assert_eq!(parse_literal("1_000.50").map(|x| x.to_string()), Ok("1000.50".into()));
        assert_eq!(parse_literal("99999999999999999999999999999"), Err(LiteralError::OutOfRange));
        assert_eq!(parse_literal("79228162514264337593543950335"), Ok(Decimal::MAX));
        assert_eq!(parse_literal("100000000000000000T"), Err(LiteralError::OutOfRange));
    }

    #[test]
    fn powers_are_exact_for_whole_exponents() {
        assert_eq!(powi(d("1.1"), 3), Ok(d("1.331")));
        assert_eq!(powi(d("2"), -2), Ok(d("0.25")));
        assert_eq!(powi(d("10"), 29), Err(ArithError::Overflow));
        assert_eq!(pow(d("0"), d("-1")), Err(ArithError::DivisionByZero));
        assert_eq!(pow(d("-8"), d("0.5")), Err(ArithError::BadPower));
    }

    #[test]
    fn fractional_powers_agree_with_independent_values_to_24_digits() {
        // 10^(2/5) = 2.51188643150957980... (independently: 10^0.4 to 30 digits
        // 2.511886431509580111085032067799)
        let got = pow(d("10"), d("0.4")).unwrap_or_default();
        let want = d("2.511886431509580111085032068");
        assert!((got - want).abs() < d("1e-24"), "{got}");
        // 2^0.5 = 1.41421356237309504880168872420969807856967187537694
        let got = pow(d("2"), d("0.5")).unwrap_or_default();
        assert!((got - d("1.414213562373095048801688724")).abs() < d("1e-24"), "{got}");
    }

    #[test]
    fn formatting_is_fixed() {
        assert_eq!(format_exact(d("1875000000.0")), "1875000000");
        assert_eq!(format_fixed(d("1234567.125"), 2, Rounding::Banker), "1,234,567.12");
        assert_eq!(format_fixed(d("1234567.135"), 2, Rounding::Banker), "1,234,567.14");
        assert_eq!(format_fixed(d("-0.001"), 2, Rounding::Banker), "0.00");
        assert_eq!(format_fixed(d("5"), 0, Rounding::HalfUp), "5");
        assert_eq!(group_digits("-1234"), "-1,234");
    }
}
