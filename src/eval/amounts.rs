//! A flow's booked amounts, kept compactly for the rest of the run.
//!
//! A run keeps every flow's amounts per period (a report, a contract's share of a flow, an
//! incremental re-run read them again). As `Vec<Decimal>` that is 16 bytes an amount — 19 MB
//! for 10,000 flows over 120 months, beside the same amounts in the ledger's event log. Booked
//! amounts have at most 13 decimals and mostly fit an `i64` mantissa, so [`Amounts`] keeps the
//! mantissa and the scale (9 bytes) and gives back the very same `Decimal`s, scale included; a
//! flow with an amount that does not fit keeps its `Decimal`s as they are.

use rust_decimal::Decimal;

/// A flow's amounts per period.
#[derive(Debug, Clone, PartialEq)]
pub enum Amounts {
    /// Every amount as an `i64` mantissa and its scale.
    Packed { mantissas: Box<[i64]>, scales: Box<[u8]> },
    /// An amount does not pack (a mantissa beyond `i64`, a negative zero).
    Wide(Box<[Decimal]>),
}

impl Amounts {
    /// Keeps `amounts`.
    pub fn new(amounts: &[Decimal]) -> Amounts {
        let packed: Option<(Vec<i64>, Vec<u8>)> = amounts
            .iter()
            .map(|x| {
                let (m, s) = small(*x)?;
                Some((m, u8::try_from(s).ok()?))
            })
            .collect();
        match packed {
            Some((m, s)) => Amounts::Packed { mantissas: m.into_boxed_slice(), scales: s.into_boxed_slice() },
            None => Amounts::Wide(amounts.into()),
        }
    }

    /// The amounts, as they were given.
    pub fn to_vec(&self) -> Vec<Decimal> {
        match self {
            Amounts::Packed { mantissas, scales } => {
                mantissas.iter().zip(scales.iter()).map(|(m, s)| from_small(*m, u32::from(*s))).collect()
            }
            Amounts::Wide(v) => v.to_vec(),
        }
    }
}

/// `x` as an `i64` mantissa and its scale, when the mantissa fits (a negative zero does not:
/// its sign would be lost). The compact form of an amount here and in the ledger's event log
/// (`super::ledger`); [`from_small`] gives back the same `Decimal`.
pub(super) fn small(x: Decimal) -> Option<(i64, u32)> {
    let m = i64::try_from(x.mantissa()).ok()?;
    (!(x.is_zero() && x.is_sign_negative())).then_some((m, x.scale()))
}

/// The `Decimal` of mantissa `m` and scale `scale` ([`small`]'s inverse).
pub(super) fn from_small(m: i64, scale: u32) -> Decimal {
    Decimal::from_i128_with_scale(i128::from(m), scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_come_back_with_their_scales() {
        for text in [
            &["0", "0.0000000000000", "1.5000000000000", "-922337.2036854775807", "12"][..],
            &["716666666.6666666666667", "1"][..],
            &[][..],
        ] {
            let v: Vec<Decimal> = text.iter().map(|t| t.parse().unwrap_or_default()).collect();
            let back = Amounts::new(&v).to_vec();
            assert_eq!(back, v);
            assert!(back
                .iter()
                .zip(&v)
                .all(|(a, b)| a.scale() == b.scale() && a.is_sign_negative() == b.is_sign_negative()));
        }
        assert!(matches!(Amounts::new(&[Decimal::ONE]), Amounts::Packed { .. }));
        assert!(matches!(Amounts::new(&[-Decimal::ZERO]), Amounts::Wide(_)));
    }
}
