//! Booking: how rates and amounts land in periods.
//!
//! **Cumulative booking.** For every flow, the running total booked up to the end of each
//! period is the exact cumulative amount computed with a single division and then rounded to
//! the ledger's precision ([`LEDGER_DP`] = 13 decimal places, half to even); each period books
//! the difference of two running totals. So no rounding error ever accumulates, and any span
//! whose exact amount terminates within 13 decimals sums exactly. Amounts and balances are
//! bounded by [`LEDGER_LIMIT`] (10^15), within which every ledger sum is exact.
//!
//! **Rates** book by the time unit they are written in:
//! - a time unit whose size is a whole number of months (`month`, `quarter`, `year`, or one
//!   you declare) is a *calendar* unit: it books by calendar months, a year being 12 equal
//!   months — `12B USD/year` is exactly `1B USD` in every month and `12B USD` in every year,
//!   leap or not. A partial month (a daily timeline, a flow that starts mid-month) counts its
//!   share of days: day *k* of a 31-day month carries 1/31 of the month's amount, and the
//!   cumulative rule places the remainders so each month still sums exactly;
//! - any other time unit (`second`, `minute`, `hour`, `day`, `week`) is *elapsed* time: the
//!   rate times the time elapsed in the period — `15M USD/day` is `465M USD` in January and
//!   `435M USD` in February 2028;
//! - a rate whose unit names no time unit (`W * USD/kWh`) books by elapsed hours.
//!
//! Because `in` converts with fixed factors, `15M USD/day in USD/year` (5.475B USD/year) books
//! 456.25M USD in January, not 465M: the converted rate is a calendar rate.

use super::series::{Series, Values};
use super::timeline::Timeline;
use crate::number::{self, ArithError};
use crate::units::{Registry, Unit, UnitId};
use rust_decimal::Decimal;

/// Decimal places of amounts in the ledger.
pub const LEDGER_DP: u32 = 13;

/// The largest magnitude of a ledger amount or balance (10^15 in the ledger currency). Below
/// it, every amount and every sum of amounts has at most 13 decimals and 28 digits, so
/// rust_decimal holds it exactly; above it, a sum would be rounded silently, so it is an
/// overflow instead.
pub const LEDGER_LIMIT: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0); // 10^15

/// `x` if it is within the ledger's range, else an overflow. (Integer comparison of the
/// mantissa with 10^(15 + scale): this runs for every amount and balance.)
pub fn in_ledger(x: Decimal) -> Result<Decimal, ArithError> {
    let scale = x.scale();
    // 10^(15 + scale) exceeds the largest mantissa (7.9e28) once 15 + scale >= 29
    match POW10.get(15 + scale as usize) {
        Some(limit) if scale < 14 && x.mantissa().unsigned_abs() >= *limit as u128 => Err(ArithError::Overflow),
        _ => Ok(x),
    }
}

/// `10^i` for `i` in `0..=38` (every power an `i128` holds): no `pow` loop in the hot paths.
pub(super) const POW10: [i128; 39] = {
    let mut t = [1i128; 39];
    let mut i = 1;
    while i < 39 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// Rounds to the ledger's precision (half to even).
pub fn round_ledger(x: Decimal) -> Decimal {
    if x.scale() <= LEDGER_DP {
        return x;
    }
    number::round(x, LEDGER_DP, number::Rounding::Banker)
}

/// The least common multiple of every month length (28..31 days) and 12: every month's share
/// of days, and every fraction of a year in months, is a whole multiple of `1/L`.
pub(super) const L: i64 = 377_580;
/// Seconds in a month (a year / 12), the size that makes a time unit a calendar unit.
const MONTH_SECONDS: i64 = 2_628_000;

/// How a rate books.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// By calendar months; the unit is this many months.
    Calendar {
        /// Months in the time unit (1 month, 3 quarter, 12 year).
        months: i64,
    },
    /// By elapsed time; the unit is this many seconds.
    Elapsed {
        /// Seconds in the time unit.
        seconds: i64,
    },
}

/// Finds how a money-per-time unit books, and the unit to convert the rate to first
/// (`money / time unit`).
pub fn basis_of(unit: &Unit, reg: &Registry, money: UnitId) -> Option<(Basis, Unit)> {
    let time = reg.time();
    let time_factors: Vec<(UnitId, i32)> =
        unit.factors().iter().copied().filter(|(id, _)| reg.def(*id).is_some_and(|d| d.dimension == time)).collect();
    let money_unit = Unit::named(money);
    let chosen = match time_factors.as_slice() {
        [(id, -1)] => Some(*id),
        _ => None,
    };
    let time_id = match chosen {
        Some(id) => id,
        None => reg.lookup("hour")?,
    };
    let seconds = reg.def(time_id).map(|d| d.factor)?.value().ok()?;
    let seconds = number::as_integer(seconds)?;
    let basis = if seconds > 0 && seconds % MONTH_SECONDS == 0 {
        Basis::Calendar { months: seconds / MONTH_SECONDS }
    } else {
        Basis::Elapsed { seconds }
    };
    Some((basis, money_unit.div(&Unit::named(time_id))))
}

/// Books a rate (already in `money / time unit`, see [`basis_of`]) active over the day
/// interval `[first, end)` into the periods of `timeline`.
pub fn book_rate(
    rate: &Series,
    basis: Basis,
    active: (i64, i64),
    timeline: &Timeline,
) -> Result<Vec<Decimal>, ArithError> {
    match book_rate_fixed(rate, basis, active, timeline) {
        Some(booked) => booked,
        None => book_rate_decimal(rate, basis, active, timeline),
    }
}

/// The weight of the days `[first, end)` by `basis`: `1/L` months, or seconds.
fn weight_of(basis: Basis, first: i64, end: i64) -> i64 {
    match basis {
        Basis::Calendar { .. } => Timeline::month_weight(first, end, L),
        Basis::Elapsed { .. } => (end - first) * 86_400,
    }
}

/// The divisor of the running total: `L` per month of the unit, or the unit's seconds.
fn divisor_of(basis: Basis) -> Option<i64> {
    match basis {
        Basis::Calendar { months } => L.checked_mul(months),
        Basis::Elapsed { seconds } => Some(seconds),
    }
}

/// The running sum `Σ value × weight` exactly as `Decimal` arithmetic holds it: the mantissa
/// at the scale `checked_mul` by an integer and `checked_add` give — the larger of the two
/// scales, except that adding to or adding a zero leaves the other operand as it is — and,
/// where a product or a sum passes 96 bits, rounded as `Decimal` rounds it (a `cagr` rate's
/// 28-digit values times a month's weight do).
#[derive(Clone, Copy)]
struct FixedSum {
    mantissa: i128,
    scale: u32,
}

/// `2^96`: a `Decimal` mantissa is below it.
const MANTISSA_LIMIT: i128 = 1 << 96;

impl FixedSum {
    /// Adds `v × w` as `Decimal`'s `checked_mul` and `checked_add` do, rounding included (see
    /// [`mul_like_decimal`], [`add_like_decimal`]); `None` where this emulation does not follow
    /// `Decimal` (an overflow, a product beyond 128 bits, a rare double rounding) and the
    /// `Decimal` path books the rate instead.
    fn add(&mut self, v: Decimal, w: i64) -> Option<()> {
        let p = mul_like_decimal(v, w)?;
        if p.mantissa == 0 {
            return Some(());
        }
        if self.mantissa == 0 {
            *self = p;
            return Some(());
        }
        *self = add_like_decimal(*self, p)?;
        Some(())
    }

    /// The scale `Decimal` division (rust_decimal 1.43, `div_impl` with a divisor below 2^32)
    /// gives a quotient `total` (at scale 13) that ends within 13 decimals but not at the
    /// dividend's scale: it scales the quotient up 9 digits at a time until the remainder is 0,
    /// then strips trailing zeros only partly (8 at a time while the low 32 bits are 0, then 4,
    /// 2 and 1 once each, each only if the low bits allow it), and `round_ledger` takes what is
    /// left beyond 13 decimals off. `None` (divide the `Decimal` way) outside the case where
    /// every step is 9 digits.
    fn scale_of_ending_quotient(self, total: i128) -> Option<u32> {
        // the largest quotient rust_decimal scales by 10^9 in one step
        const MAX_9: u128 = (4u128 << 64) + 5_441_186_219_426_131_129;
        let abs = total.unsigned_abs();
        // the least scale at which the quotient ends: 13 less its trailing zeros among the 13
        // decimals (counted on the decimals alone, in 64 bits)
        let mut decimals = (abs % POW10[LEDGER_DP as usize] as u128) as u64;
        let mut needed = if decimals == 0 { 0 } else { LEDGER_DP };
        while decimals != 0 && decimals % 10 == 0 {
            decimals /= 10;
            needed -= 1;
        }
        let mut scale = self.scale;
        while scale < needed {
            let truncated = abs / POW10[(LEDGER_DP - scale) as usize] as u128;
            if scale > 19 || truncated > MAX_9 {
                return None;
            }
            scale += 9;
        }
        let mut m = if scale <= LEDGER_DP {
            abs / POW10[(LEDGER_DP - scale) as usize] as u128
        } else {
            abs.checked_mul(POW10[(scale - LEDGER_DP) as usize] as u128)?
        };
        while m & 0xFFFF_FFFF == 0 && scale >= 8 && m % 100_000_000 == 0 {
            m /= 100_000_000;
            scale -= 8;
        }
        for (digits, mask, pow) in [(4, 0xF, 10_000), (2, 0x3, 100), (1, 0x1, 10)] {
            if m & mask == 0 && scale >= digits && m % pow == 0 {
                m /= pow;
                scale -= digits;
            }
        }
        Some(scale.min(LEDGER_DP))
    }

    /// `round_ledger(sum / divisor)` as `Decimal` computes it: the mantissa at scale 13 and the
    /// scale of the `Decimal` (a quotient exact at the dividend's scale keeps that scale; one
    /// with more than 13 decimals is rounded to 13; see [`FixedSum::scale_of_ending_quotient`]
    /// for the rest). `None` for the `Decimal` path to decide: a quotient so close to a midpoint or a multiple of 10^-13 that `Decimal` division (rounded to 28
    /// digits first) might round it differently.
    fn total(self, divisor: i64) -> Option<(i128, u32)> {
        let d = i128::from(divisor);
        if self.mantissa == 0 {
            return Some((0, 0));
        }
        // whether the dividend divides exactly: asked only where it decides (one 128-bit
        // division fewer a period, the booking loop's costliest step)
        let exact = || self.mantissa % d == 0;
        let scaled = if self.scale <= LEDGER_DP {
            self.mantissa.checked_mul(*POW10.get((LEDGER_DP - self.scale) as usize)?).map(|n| (n, d))
        } else {
            d.checked_mul(*POW10.get((self.scale - LEDGER_DP) as usize)?).map(|den| (self.mantissa, den))
        };
        let Some((num, den)) = scaled else {
            // an exact quotient at the dividend's scale may still fit
            if exact() && self.scale <= LEDGER_DP {
                return Some((
                    (self.mantissa / d).checked_mul(*POW10.get((LEDGER_DP - self.scale) as usize)?)?,
                    self.scale,
                ));
            }
            return None;
        };
        let (q, r) = div_euclid(num, den)?;
        if r == 0 {
            // exact at scale 13 or less: a quotient exact at the dividend's scale keeps it;
            // beyond 13 decimals (`den` carries the excess) a remainder of 0 means exact
            if self.scale > LEDGER_DP {
                return Some((q, LEDGER_DP));
            }
            if exact() {
                return Some((q, self.scale));
            }
            return Some((q, self.scale_of_ending_quotient(q)?));
        }
        // half to even on the exact remainder
        let twice = r.checked_mul(2)?;
        let up = twice > den || (twice == den && q.rem_euclid(2) == 1);
        let total = if up { q.checked_add(1)? } else { q };
        // an exact quotient of more than 13 decimals, rounded (at scale 13 or less, a remainder
        // means the dividend does not divide)
        let rounded_exact = || (self.scale > LEDGER_DP && exact()).then_some((total, LEDGER_DP));
        // Decimal division keeps at least 27 - i decimals (i integer digits) and is off by less
        // than one unit of the last: it rounds to 13 decimals as the exact quotient does unless
        // the remainder is within 10^(i - 14) of a half, of 0 or of 1 (in units of 10^-13)
        let whole = total.unsigned_abs() / POW10[13] as u128;
        let digits = if whole == 0 { 0 } else { whole.ilog10() + 1 };
        let Some(k) = 14u32.checked_sub(digits).filter(|k| *k >= 1) else { return rounded_exact() };
        let scale_up = *POW10.get(k as usize)?;
        let near = |gap: i128| gap.checked_mul(scale_up).is_none_or(|g| g <= den.saturating_mul(2));
        if near((twice - den).abs()) || near(r.saturating_mul(2)) || near((den - r).saturating_mul(2)) {
            return rounded_exact();
        }
        Some((total, LEDGER_DP))
    }
}

/// `v × w` (`w` ≥ 0) as `Decimal::checked_mul` gives it: the exact product if its mantissa
/// fits 96 bits, else rounded as rust_decimal 1.43's `Buf24::rescale` rounds it (see
/// [`rescale_like_decimal`]). `None` for an overflow or a product beyond 128 bits.
fn mul_like_decimal(v: Decimal, w: i64) -> Option<FixedSum> {
    let w = u128::try_from(w).ok()?;
    let n = v.mantissa().unsigned_abs().checked_mul(w)?;
    let (m, scale) = if n < MANTISSA_LIMIT as u128 { (n, v.scale()) } else { rescale_like_decimal(n, v.scale())? };
    let m = i128::try_from(m).ok()?;
    Some(FixedSum { mantissa: if v.is_sign_negative() { -m } else { m }, scale: if m == 0 { 0 } else { scale } })
}

/// A mantissa `n` ≥ 2^96 at `scale` brought within 96 bits as rust_decimal 1.43's
/// `Buf24::rescale` does: it first takes off `t = ((bits − 97) × 77 >> 8) + 1` digits (an
/// estimate from the bit length, which may take one digit more than needed), then one digit at a
/// time until the mantissa fits, rounding the exact quotient half to even once at the end.
/// `None` where that overflows (no scale left), and where the rounding carries the mantissa to
/// exactly 2^96 (rust_decimal then rounds a second time; left to the `Decimal` path).
fn rescale_like_decimal(n: u128, scale: u32) -> Option<(u128, u32)> {
    let bits = 128 - n.leading_zeros() as i32;
    let mut t = (((bits - 97) * 77) >> 8) + 1;
    let mut q;
    loop {
        if t > scale as i32 {
            return None;
        }
        q = n / *POW10.get(t as usize)? as u128;
        if q < MANTISSA_LIMIT as u128 {
            break;
        }
        t += 1;
    }
    let power = *POW10.get(t as usize)? as u128;
    let r = n - q * power;
    let half = power / 2;
    if r > half || (r == half && q & 1 == 1) {
        q += 1;
    }
    (q < MANTISSA_LIMIT as u128).then_some((q, scale - t as u32))
}

/// `a + b` (both non-zero, mantissas below 2^96) as `Decimal::checked_add` gives it: at the
/// larger scale, the smaller-scale operand scaled up exactly; a sum beyond 96 bits is rounded
/// by one digit (half to even) when the scaled operand fits 96 bits, else rescaled as
/// [`rescale_like_decimal`]. `None` for an overflow and for a difference whose scaled operand
/// exceeds 96 bits (rust_decimal's borrow there is left to the `Decimal` path).
fn add_like_decimal(a: FixedSum, b: FixedSum) -> Option<FixedSum> {
    let (x, y, scale) = match a.scale.cmp(&b.scale) {
        std::cmp::Ordering::Equal => (a.mantissa, b.mantissa, a.scale),
        std::cmp::Ordering::Less => {
            (a.mantissa.checked_mul(*POW10.get((b.scale - a.scale) as usize)?)?, b.mantissa, b.scale)
        }
        std::cmp::Ordering::Greater => {
            (a.mantissa, b.mantissa.checked_mul(*POW10.get((a.scale - b.scale) as usize)?)?, a.scale)
        }
    };
    let negative = x < 0;
    if x.abs() < MANTISSA_LIMIT && y.abs() < MANTISSA_LIMIT {
        let r = x + y; // below 2^97 in magnitude
        if r.abs() < MANTISSA_LIMIT {
            return Some(FixedSum { mantissa: r, scale: if r == 0 { a.scale.max(b.scale) } else { scale } });
        }
        // the same signs carried past 96 bits: one digit off, half to even
        let scale = scale.checked_sub(1)?;
        let (q, rem) = (r.unsigned_abs() / 10, r.unsigned_abs() % 10);
        let q = i128::try_from(if rem > 5 || (rem == 5 && q & 1 == 1) { q + 1 } else { q }).ok()?;
        return Some(FixedSum { mantissa: if negative { -q } else { q }, scale });
    }
    if (x < 0) != (y < 0) {
        return None;
    }
    let n = x.unsigned_abs().checked_add(y.unsigned_abs())?;
    let (q, scale) = rescale_like_decimal(n, scale)?;
    let q = i128::try_from(q).ok()?;
    Some(FixedSum { mantissa: if negative { -q } else { q }, scale })
}

/// `(num.div_euclid(den), num.rem_euclid(den))` for `den` > 0 with one 128-bit division (the
/// booking loop's costliest step), or `None` for `den` ≤ 0.
fn div_euclid(num: i128, den: i128) -> Option<(i128, i128)> {
    let d = u128::try_from(den).ok().filter(|d| *d > 0)?;
    let a = num.unsigned_abs();
    let (q, r) = (a / d, a - (a / d) * d);
    let (q, r) = (i128::try_from(q).ok()?, i128::try_from(r).ok()?);
    Some(if num >= 0 || r == 0 { (if num >= 0 { q } else { -q }, r) } else { (-q - 1, den - r) })
}

/// A running total (mantissa at scale 13, the scale of its `Decimal`) as that `Decimal`.
fn fixed_decimal((m, scale): (i128, u32)) -> Decimal {
    if scale == LEDGER_DP {
        return Decimal::from_i128_with_scale(m, scale); // most totals: no 128-bit division
    }
    Decimal::from_i128_with_scale(m / POW10[(LEDGER_DP - scale) as usize], scale)
}

/// [`book_rate`] in exact integers: the same amounts, with the same scales, as
/// [`book_rate_decimal`] gives, or `None` for that path to book the rate instead — when the
/// emulation of `Decimal`'s rounding does not cover a product or a sum (an overflow, more than
/// 128 bits, a double rounding at 2^96; see [`FixedSum::add`]). A running total whose exact
/// quotient sits too close to a rounding boundary is computed the `Decimal` way, from the
/// exact sum. (A proptest below checks the two paths against each other, scales included.)
fn book_rate_fixed(
    rate: &Series,
    basis: Basis,
    active: (i64, i64),
    timeline: &Timeline,
) -> Option<Result<Vec<Decimal>, ArithError>> {
    let divisor = divisor_of(basis).filter(|d| *d > 0 && *d < 1 << 32)?;
    let n = timeline.len();
    let mut out = vec![Decimal::ZERO; n];
    let (a0, a1) = active;
    let mut sum = FixedSum { mantissa: 0, scale: 0 };
    let mut booked = Decimal::ZERO;
    // the running total of `sum`, the `Decimal` way when the integer quotient cannot decide
    let total_of = |sum: FixedSum| -> Result<Decimal, ArithError> {
        let total = match sum.total(divisor) {
            Some(t) if t.0.abs() < POW10[15 + LEDGER_DP as usize] => fixed_decimal(t),
            Some(_) => return Err(ArithError::Overflow),
            None => round_ledger(number::div(
                Decimal::from_i128_with_scale(sum.mantissa, sum.scale),
                Decimal::from(divisor),
            )?),
        };
        in_ledger(total)
    };
    if let Some(first) = timeline.periods.first().filter(|p| a0 < p.first_day) {
        sum.add(rate.get(0), weight_of(basis, a0, first.first_day.min(a1)))?;
        booked = match total_of(sum) {
            Ok(t) => t,
            Err(e) => return Some(Err(e)),
        };
    }
    for i in timeline.indices_overlapping(a0, a1) {
        let Some(p) = timeline.periods.get(i) else { continue };
        let (f, e) = (p.first_day.max(a0), p.end_day.min(a1));
        if f >= e {
            continue;
        }
        // a whole calendar month weighs `L` (what `month_weight` adds up day by day)
        let whole_month = matches!(basis, Basis::Calendar { .. })
            && p.start.2 == 1
            && (f, e) == (p.first_day, p.end_day)
            && e - f == i64::from(crate::calendar::days_in_month(p.start.0, p.start.1));
        sum.add(rate.get(i), if whole_month { L } else { weight_of(basis, f, e) })?;
        let total = match total_of(sum).and_then(|t| Ok((t, number::sub(t, booked)?))) {
            Ok(t) => t,
            Err(e) => return Some(Err(e)),
        };
        if let Some(slot) = out.get_mut(i) {
            *slot = total.1;
        }
        booked = total.0;
    }
    Some(Ok(out))
}

/// [`book_rate`] in `Decimal` arithmetic: the reference, and the path for what the exact
/// integers of [`book_rate_fixed`] do not hold.
fn book_rate_decimal(
    rate: &Series,
    basis: Basis,
    active: (i64, i64),
    timeline: &Timeline,
) -> Result<Vec<Decimal>, ArithError> {
    let n = timeline.len();
    let mut out = vec![Decimal::ZERO; n];
    let (a0, a1) = active;
    let mut sum = Decimal::ZERO; // Σ value × weight, exact
    let mut booked = Decimal::ZERO; // running total booked so far
    let divisor = match basis {
        Basis::Calendar { months } => Decimal::from(L.checked_mul(months).ok_or(ArithError::Overflow)?),
        Basis::Elapsed { seconds } => Decimal::from(seconds),
    };
    // a rate active before the timeline starts its running total there (at the first
    // period's value), so a window books the same amounts as a longer run
    if let Some(first) = timeline.periods.first().filter(|p| a0 < p.first_day) {
        let e = first.first_day.min(a1);
        let weight: i64 = match basis {
            Basis::Calendar { .. } => Timeline::month_weight(a0, e, L),
            Basis::Elapsed { .. } => (e - a0) * 86_400,
        };
        sum = number::mul(rate.get(0), Decimal::from(weight))?;
        booked = in_ledger(round_ledger(number::div(sum, divisor)?))?;
    }
    for i in timeline.indices_overlapping(a0, a1) {
        let Some(p) = timeline.periods.get(i) else { continue };
        let (f, e) = (p.first_day.max(a0), p.end_day.min(a1));
        if f >= e {
            continue;
        }
        let weight: i64 = match basis {
            Basis::Calendar { .. } => Timeline::month_weight(f, e, L),
            Basis::Elapsed { .. } => (e - f) * 86_400,
        };
        let v = rate.get(i);
        sum = number::add(sum, number::mul(v, Decimal::from(weight))?)?;
        let total = in_ledger(round_ledger(number::div(sum, divisor)?))?;
        if let Some(slot) = out.get_mut(i) {
            *slot = number::sub(total, booked)?;
        }
        booked = total;
    }
    Ok(out)
}

/// Books per-period amounts (a flow-shaped series) with cumulative rounding.
pub fn book_amounts(values: &Values, n: usize) -> Result<Vec<Decimal>, ArithError> {
    let mut out = Vec::with_capacity(n);
    let mut sum = Decimal::ZERO;
    let mut booked = Decimal::ZERO;
    for i in 0..n {
        sum = number::add(sum, values.get(i))?;
        let total = in_ledger(round_ledger(sum))?;
        out.push(number::sub(total, booked)?);
        booked = total;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::ir::TimelineIr;
    use crate::syntax::ast::{PeriodValue, Step};

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    fn reg() -> Registry {
        let mut map = crate::source::SourceMap::new();
        let loaded = crate::driver::load_text(&mut map, "<t>", "");
        crate::driver::compile(&loaded, None).0.registry
    }

    fn rate(reg: &Registry, value: &str, unit: &str, tl: &Timeline) -> Vec<Decimal> {
        let usd = reg.lookup("USD").unwrap_or(0);
        let u = Unit::named(usd).div(&Unit::named(reg.lookup(unit).unwrap_or(0)));
        let Some((basis, target)) = basis_of(&u, reg, usd) else { return vec![] };
        let s = Series::constant(d(value), u).convert(&target, reg).unwrap_or(Series::constant(d("0"), Unit::none()));
        let all = (tl.periods[0].first_day, tl.periods[tl.len() - 1].end_day);
        book_rate(&s, basis, all, tl).unwrap_or_default()
    }

    fn timeline(start: PeriodValue, end: PeriodValue, step: Step) -> Timeline {
        Timeline::new(&TimelineIr { start, end, step }).unwrap_or(Timeline { step, periods: vec![] })
    }

    #[test]
    fn a_yearly_rate_is_exactly_one_twelfth_every_month() {
        let r = reg();
        let t = timeline(PeriodValue::Month(2028, 1), PeriodValue::Month(2028, 12), Step::Monthly);
        let v = rate(&r, "12000000000", "year", &t);
        assert!(v.iter().all(|x| *x == d("1000000000")), "{v:?}");
        assert_eq!(v.iter().sum::<Decimal>(), d("12000000000"));
    }

    #[test]
    fn a_daily_rate_books_elapsed_days() {
        let r = reg();
        let t = timeline(PeriodValue::Month(2028, 1), PeriodValue::Month(2028, 2), Step::Monthly);
        assert_eq!(rate(&r, "15000000", "day", &t), vec![d("465000000"), d("435000000")]);
    }

    #[test]
    fn daily_timelines_give_the_same_monthly_totals() {
        let r = reg();
        let t = timeline(PeriodValue::Month(2028, 1), PeriodValue::Month(2028, 3), Step::Daily);
        let v = rate(&r, "8600000000", "year", &t);
        let jan: Decimal = v.iter().take(31).sum();
        let feb: Decimal = v.iter().skip(31).take(29).sum();
        // 8.6B / 12 = 716,666,666.666666666666… per month; the running total after two months
        // is exactly 1,433,333,333.3333333333333 at 13 decimals.
        assert_eq!(jan + feb, d("1433333333.3333333333333"));
        let m = timeline(PeriodValue::Month(2028, 1), PeriodValue::Month(2028, 3), Step::Monthly);
        let mv = rate(&r, "8600000000", "year", &m);
        assert_eq!(mv.first().copied(), Some(jan));
        assert_eq!(mv.get(1).copied(), Some(feb));
    }

    #[test]
    fn a_converted_rate_books_as_a_calendar_rate() {
        let r = reg();
        let t = timeline(PeriodValue::Month(2028, 1), PeriodValue::Month(2028, 1), Step::Monthly);
        // 15M USD/day in USD/year = 5,475M USD/year -> 456.25M USD in January
        assert_eq!(rate(&r, "5475000000", "year", &t), vec![d("456250000")]);
    }
}

#[cfg(test)]
mod limit_tests {
    use super::*;

    #[test]
    fn the_ledger_limit_is_ten_to_the_fifteenth() {
        assert_eq!(LEDGER_LIMIT, Decimal::from(1_000_000_000_000_000i64));
        assert!(in_ledger(Decimal::from(999_999_999_999_999i64)).is_ok());
        assert!(in_ledger(-LEDGER_LIMIT).is_err());
    }
}

#[cfg(test)]
mod fixed_tests {
    use super::*;
    use crate::check::ir::TimelineIr;
    use crate::syntax::ast::{PeriodValue, Step};
    use proptest::prelude::*;

    /// Both paths, as text (value and scale), or the error.
    fn both(rate: &Series, basis: Basis, active: (i64, i64), t: &Timeline) -> (String, String) {
        let show = |r: Result<Vec<Decimal>, ArithError>| match r {
            Ok(v) => v.iter().map(|x| format!("{x}/{}", x.scale())).collect::<Vec<_>>().join(" "),
            Err(e) => format!("{e:?}"),
        };
        let fixed = book_rate_fixed(rate, basis, active, t).map(show).unwrap_or_else(|| "fallback".into());
        let reference = show(book_rate_decimal(rate, basis, active, t));
        (if fixed == "fallback" { reference.clone() } else { fixed }, reference)
    }

    fn value() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            (-10_000_000_000i64..10_000_000_000, 0u32..6).prop_map(|(m, s)| Decimal::new(m, s)),
            (1i64..1_000_000_000, 0u32..4).prop_map(|(m, s)| Decimal::new(m, s)),
            // a cagr-like value: 28 significant digits
            (1_000i64..10_000_000, 0u32..30).prop_map(|(x, k)| {
                let g = crate::number::pow(Decimal::from(3), Decimal::new(i64::from(k), 1) / Decimal::from(9))
                    .unwrap_or(Decimal::ONE);
                Decimal::from(x).checked_mul(g).unwrap_or(Decimal::ONE)
            }),
            // any width and scale: sums and products that rust_decimal rounds
            (any::<u64>(), 0u32..=20).prop_map(|(m, s)| Decimal::from_i128_with_scale(i128::from(m >> 8), s + 8)),
            Just(Decimal::ZERO),
        ]
    }

    fn basis() -> impl Strategy<Value = Basis> {
        prop_oneof![
            prop_oneof![Just(1i64), Just(3), Just(12), Just(60), Just(7)].prop_map(|months| Basis::Calendar { months }),
            prop_oneof![Just(86_400i64), Just(3_600), Just(604_800), Just(1)]
                .prop_map(|seconds| Basis::Elapsed { seconds }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2_000, .. ProptestConfig::default() })]

        #[test]
        fn integer_booking_is_the_decimal_booking(
            values in proptest::collection::vec(value(), 1..40),
            constant in any::<bool>(),
            basis in basis(),
            daily in any::<bool>(),
            start in -400i64..400,
            len in 1i64..1_500,
        ) {
            let (end, step) = if daily { (PeriodValue::Month(2025, 3), Step::Daily) } else { (PeriodValue::Month(2027, 12), Step::Monthly) };
            let t = Timeline::new(&TimelineIr { start: PeriodValue::Month(2025, 1), end, step }).unwrap_or(Timeline { step, periods: vec![] });
            let rate = if constant {
                Series::constant(values[0], Unit::none())
            } else {
                Series::per((0..t.len()).map(|i| values[i % values.len()]).collect(), Unit::none())
            };
            let t0 = t.periods[0].first_day;
            let (fixed, reference) = both(&rate, basis, (t0 + start, t0 + start + len), &t);
            prop_assert_eq!(fixed, reference);
        }
    }

    /// A `Decimal` of any width (1 to 96 bits) and scale.
    fn wide() -> impl Strategy<Value = Decimal> {
        (any::<u128>(), 1u32..=96, 0u32..=28, any::<bool>()).prop_map(|(raw, bits, scale, negative)| {
            let m = (raw & ((1u128 << bits) - 1)).max(1) as i128;
            Decimal::from_i128_with_scale(if negative { -m } else { m }, scale)
        })
    }

    fn fixed(x: Decimal) -> FixedSum {
        FixedSum { mantissa: x.mantissa(), scale: x.scale() }
    }

    /// Same value and same scale (a zero's scale aside).
    fn same(sum: Option<FixedSum>, reference: Option<Decimal>) -> Result<(), TestCaseError> {
        if let (Some(s), Some(r)) = (sum, reference) {
            let ours = Decimal::from_i128_with_scale(s.mantissa, s.scale);
            prop_assert_eq!(ours, r);
            prop_assert!(r.is_zero() || ours.scale() == r.scale(), "{} vs {}", ours, r);
        }
        if reference.is_none() {
            prop_assert!(sum.is_none(), "Decimal overflows but the emulation gives {:?}", sum.map(|s| s.mantissa));
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 20_000, .. ProptestConfig::default() })]

        #[test]
        fn one_division_is_div_euclid(num in any::<i128>(), den in 1i128..i128::MAX) {
            prop_assert_eq!(div_euclid(num, den), Some((num.div_euclid(den), num.rem_euclid(den))));
        }

        #[test]
        fn a_product_rounds_as_decimal_does(v in wide(), w in prop_oneof![0i64..400_000, 0i64..(1 << 40), Just(L), Just(L * 12)]) {
            same(mul_like_decimal(v, w), v.checked_mul(Decimal::from(w)))?;
        }

        #[test]
        fn a_sum_rounds_as_decimal_does(a in wide(), b in wide()) {
            same(add_like_decimal(fixed(a), fixed(b)), a.checked_add(b))?;
        }

        #[test]
        fn a_running_total_divides_as_decimal_does(
            x in prop_oneof![
                wide(),
                (-1_000_000_000_000i64..1_000_000_000_000, 0u32..=13).prop_map(|(m, s)| Decimal::new(m, s)),
                // sums that divide exactly, at every scale: the quotient's scale is the question
                (1i64..1_000_000_000, 0u32..=20, prop_oneof![Just(L), Just(L * 12), Just(86_400i64)], any::<bool>())
                    .prop_map(|(m, s, d, negative)| Decimal::from_i128_with_scale(i128::from(if negative { -m } else { m }) * i128::from(d), s)),
            ],
            divisor in prop_oneof![
                Just(L), Just(L * 3), Just(L * 12), Just(86_400i64), Just(157_680_000i64), 1i64..(1 << 32),
                // 2^a 5^b: quotients that end within 13 decimals at a finer scale than the sum's
                (0u32..=12, 0u32..=12).prop_map(|(a, b)| (1i64 << a) * 5i64.pow(b)).prop_filter("32 bits", |d| *d < 1 << 32),
            ],
        ) {
            let Some(t) = fixed(x).total(divisor) else { return Ok(()) }; // the Decimal path decides
            let reference = number::div(x, Decimal::from(divisor)).map(round_ledger);
            prop_assert!(reference.is_ok(), "{x} / {divisor}: Decimal fails, the integers give {t:?}");
            let reference = reference.unwrap_or_default();
            if t.0.abs() < POW10[15 + LEDGER_DP as usize] {
                let ours = fixed_decimal(t);
                prop_assert_eq!(ours, reference, "{} / {}", x, divisor);
                prop_assert!(reference.is_zero() || ours.scale() == reference.scale(), "{x} / {divisor}: {ours} vs {reference}");
            }
        }

        #[test]
        fn a_running_sum_rounds_as_decimal_does(values in proptest::collection::vec((wide(), 1i64..2_000_000), 1..30)) {
            let mut sum = FixedSum { mantissa: 0, scale: 0 };
            let mut reference = Decimal::ZERO;
            for (v, w) in values {
                let Some(r) = v.checked_mul(Decimal::from(w)).and_then(|p| reference.checked_add(p)) else { break };
                if sum.add(v, w).is_none() {
                    break;
                }
                reference = r;
                same(Some(sum), Some(reference))?;
            }
        }
    }

    #[test]
    fn products_and_sums_past_96_bits_take_the_integer_path() {
        // a cagr value (28 digits) times a month's weight, and sums of such products
        let v: Decimal = "1000007.0000000000000000001234".parse().unwrap_or_default();
        let p = mul_like_decimal(v, L);
        assert!(p.is_some_and(|p| p.scale < v.scale()));
        let mut rescaled = 0;
        for (a, b) in [
            ("79228162514264.337593543950335", "0.0000000000000001"),
            ("79228162514264.337593543950335", "79228162514264.337593543950335"),
            ("7922816251426433759354395032.5", "0.05"),
            ("-7922816251426433759354395033.5", "-0.25"),
            ("377580.00000000000000000000001", "1.5"),
            ("123456789012345678901234567.8", "0.15"),
        ] {
            let (a, b): (Decimal, Decimal) = (a.parse().unwrap_or_default(), b.parse().unwrap_or_default());
            let ours = add_like_decimal(fixed(a), fixed(b));
            let theirs = a.checked_add(b);
            assert!(ours.is_some(), "{a} + {b}");
            let ours = ours.map(|s| Decimal::from_i128_with_scale(s.mantissa, s.scale));
            assert_eq!(ours.map(|x| (x, x.scale())), theirs.map(|x| (x, x.scale())), "{a} + {b}");
            rescaled += usize::from(ours.is_some_and(|x| x.scale() < a.scale().max(b.scale())));
        }
        assert!(rescaled >= 4, "{rescaled}");
    }

    #[test]
    fn midpoints_and_limits_book_as_decimal_does() {
        let t = Timeline::new(&TimelineIr {
            start: PeriodValue::Month(2025, 1),
            end: PeriodValue::Month(2026, 12),
            step: Step::Monthly,
        })
        .unwrap_or(Timeline { step: Step::Monthly, periods: vec![] });
        let all = (t.periods[0].first_day, t.periods[t.len() - 1].end_day);
        for v in [
            "0.00000000000005",
            "0.00000000000015",
            "-0.00000000000025",
            "1.5",
            "999999999999999",
            "99999999999999.99",
            "79228162514264.337593543950335",
            "-12.000",
        ] {
            for basis in
                [Basis::Calendar { months: 1 }, Basis::Calendar { months: 12 }, Basis::Elapsed { seconds: 86_400 }]
            {
                let rate = Series::constant(v.parse().unwrap_or_default(), Unit::none());
                let (fixed, reference) = both(&rate, basis, all, &t);
                assert_eq!(fixed, reference, "{v} {basis:?}");
            }
        }
        // the integer path takes the usual rates itself
        for v in ["12000000000", "1000007.000000000000123", "1500.5", "1000007.0000000000000000001234"] {
            let rate = Series::constant(v.parse().unwrap_or_default(), Unit::none());
            assert!(book_rate_fixed(&rate, Basis::Calendar { months: 12 }, all, &t).is_some(), "{v}");
        }
    }
}
