//! Synthetic scenarios for benchmarks and property tests.
//!
//! [`source_of_size`] writes a valid program of about the requested size that uses every
//! construct of the language (each block declares its own entities, drivers, curves, flows,
//! contracts of every kind, claims, reports, units and a scenario), so parse and check
//! benchmarks measure realistic text rather than one repeated rule.

use std::fmt::Write;

/// One block of declarations using every construct; names are suffixed with `i`.
pub fn block(i: usize) -> String {
    let mut s = String::with_capacity(2048);
    let _ = write!(
        s,
        r#"// block {i}: every construct once
scenario s{i} {{
  timeline 2025-01 .. 2030-12 monthly
  currency USD
}}
scenario s{i}_bear extends s{i} {{ rev{i} = cagr(20B USD/year @ 2025, 90B USD/year @ 2030) }}
unit widget{i}
unit kwidget{i} = 1000 widget{i}
dimension Dim{i}
entity A{i} {{
  cash 2025-01-01: 17.5B USD
  min_cash 1B USD
  credit_limit 2B USD
  credit_rate 7%/year
}}
entity B{i} {{ kind lender }}
driver d{i}: USD/day = 15M USD/day
driver p{i} = 10_000 GPU * 700 W/GPU * 1.3 * 24 hour * 0.08 USD/kWh in USD
driver u{i} = 30k USD/GPU .. 40k USD/GPU ~ 35k USD/GPU
curve rev{i} = cagr(20B USD/year @ 2025, 200B USD/year @ 2030)
curve users{i} = logistic(floor: 0.8B user, cap: 3B user, midpoint: 2028, steepness: 0.9/year)
curve share{i} = table(5% @ 2025, 10% @ 2030, interpolation: linear)
curve sub{i} = users{i} * share{i} * 20 USD/month/user
flow A{i}.revenue <- world: rev{i}
flow A{i}.sora -> world: d{i} from 2025-01 to 2026-12
flow A{i}.dc -> world: 10B USD on 2026-03-01 as capex life 5 year
contract top{i}: take_or_pay {{ buyer A{i}  seller B{i}  total 300B USD  over 2027-01 .. 2031-12  schedule even }}
contract loan{i}: loan {{
  lender B{i}  borrower A{i}  principal 10B USD  rate 9%/year  daycount A365
  start 2025-06-01  maturity 2030-06-01  amortization annuity  every 1 month
}}
contract eq{i}: equity {{ investor B{i}  company A{i}  amount 40B USD  date 2025-03-31  stake 13% }}
contract rs{i}: revenue_share {{ payer A{i}  payee B{i}  share 20%  of A{i}.revenue }}
contract lease{i}: lease {{ lessee A{i}  lessor B{i}  payment 100M USD  over 2026-01 .. 2030-12  escalation 3%/year }}
contract tr{i}: transfer {{ from B{i}  to A{i}  amount 1B USD  on 2025-07-01 }}
claim "ratio {i}" (facts F4): annual(A{i}.revenue, 2025) / 1.4T USD ~= 1.43% within 0.005%
claim "power {i}" (facts F8) expect fail: p{i} >= 2M USD
report cash(A{i}), profit(A{i}) as "profit {i}" yearly

"#
    );
    s
}

/// A valid program of at least `bytes` bytes.
pub fn source_of_size(bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 4096);
    let mut i = 0;
    while s.len() < bytes {
        s.push_str(&block(i));
        i += 1;
    }
    s
}

/// A scenario of `entities` entities with `flows` flows each (revenue rates on a shared growth
/// curve, costs per day, a one-off capex with a life, a financing inflow, a rate over a window)
/// over `months` months: the evaluation benchmark's input.
pub fn ledger_scenario(entities: usize, flows: usize, months: u32) -> String {
    let end_year = 2025 + (months.saturating_sub(1) / 12);
    let end_month = (months.saturating_sub(1) % 12) + 1;
    let mut s = format!(
        "scenario bench {{ timeline 2025-01 .. {end_year:04}-{end_month:02} monthly }}\n\
         curve growth = cagr(1 @ 2025, 3 @ {end_year})\n\
         driver price = 20 USD/month/user\n"
    );
    for e in 0..entities {
        let _ = writeln!(s, "entity E{e} {{ cash 2025-01-01: {} USD  min_cash 1M USD }}", 1_000_000 * (e + 1));
        for f in 0..flows {
            let k = e * flows + f;
            let line = match f % 5 {
                0 => format!("flow E{e}.f{f} <- world: {} USD/year * growth", 1_000_000 + k * 7),
                1 => format!("flow E{e}.f{f} -> world: {} USD/day", 1_000 + k % 997),
                2 => format!("flow E{e}.f{f} <- world: {}k user * price from 2026-01 to 2030-12", 10 + k % 90),
                3 => format!("flow E{e}.f{f} -> world: {} USD on 2027-03-15 as capex life 5 year", 500_000 + k),
                _ => format!("flow E{e}.f{f} <- world: {} USD/quarter as financing", 50_000 + k),
            };
            s.push_str(&line);
            s.push('\n');
        }
    }
    s.push_str("report cash(E0), profit(E0) yearly\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ledger_scenario_runs() {
        let mut map = crate::source::SourceMap::new();
        let loaded = crate::driver::load_text(&mut map, "<bench>", &ledger_scenario(3, 10, 24));
        let (program, _, diags) = crate::driver::compile(&loaded, None);
        assert!(diags.is_empty(), "{:?}", diags.first());
        let run = crate::eval::engine::run_scenario(&program, None);
        assert!(run.is_ok(), "{:?}", run.err());
    }

    #[test]
    fn synthetic_sources_parse_and_check_cleanly() {
        let mut map = crate::source::SourceMap::new();
        let loaded = crate::driver::load_text(&mut map, "<synth>", &source_of_size(20_000));
        let (_, _, diags) = crate::driver::compile(&loaded, None);
        assert!(diags.is_empty(), "{:?}", diags.first());
    }
}
