//! ACTUS term sheets → `.aifin` loan declarations (`aifin import actus TERMS.json`).
//!
//! Entry point: [`import`]. The input is an object with `terms` (as in the ACTUS test beds) or a
//! bare terms object. Values may be strings or numbers, strings may carry stray spaces, dates
//! come as `2013-01-01T00:00:00` or `2013-01-01T00:00`. The output declares a lender and a
//! borrower entity and the loan, named after `contractID`; it is then parsed, checked and
//! scheduled by the same code as a hand-written contract. A term aifin cannot represent is an
//! error naming the term.

use super::dates::{Cycle, CycleUnit, Date};
use rust_decimal::Decimal;
use serde_json::Value;
use std::fmt::Write;
use std::str::FromStr;

/// Terms that carry no meaning for the contracts aifin represents (identification, and rate
/// reset parameters that only matter when rates reset).
const IGNORED: &[&str] = &[
    "contractID",
    "contractType",
    "contractRole",
    "currency",
    "contractDealDate",
    "creatorID",
    "counterpartyID",
    "marketObjectCode",
    "description",
    "contractPerformance",
    "seniority",
    "nonPerformingDate",
    "settlementCurrency",
    "delinquencyPeriod",
    "gracePeriod",
    "delinquencyRate",
    // ACTUS's reference results observe a reset's rate on the reset date itself (fixing days
    // shift neither the event nor the observation), so the term changes no figure
    "fixingDays",
];

/// Terms whose usual "off" value is accepted and any other value is refused.
const OFF_VALUES: &[(&str, &[&str])] = &[
    ("notionalScalingMultiplier", &["1", "1.0"]),
    ("interestScalingMultiplier", &["1", "1.0"]),
    ("penaltyType", &["N"]),
    ("prepaymentEffect", &["N"]),
    ("feeRate", &["0", "0.0"]),
    ("penaltyRate", &["0", "0.0"]),
    ("feeAccrued", &["0", "0.0"]),
    ("cycleOfFee", &[]),
    ("cycleAnchorDateOfFee", &[]),
    ("lifeCap", &[]),
    ("lifeFloor", &[]),
    ("periodCap", &[]),
    ("periodFloor", &[]),
];

/// Why a term sheet cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The term concerned (empty for the document as a whole).
    pub term: String,
    /// What is wrong.
    pub reason: String,
}

fn err(term: &str, reason: impl Into<String>) -> ImportError {
    ImportError { term: term.to_string(), reason: reason.into() }
}

/// A term's value as trimmed text; `None` when absent, null or empty.
fn text(terms: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    match terms.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn decimal(terms: &serde_json::Map<String, Value>, key: &str) -> Result<Option<Decimal>, ImportError> {
    match text(terms, key) {
        None => Ok(None),
        Some(s) => Decimal::from_str(&s)
            .or_else(|_| Decimal::from_scientific(&s))
            .map(Some)
            .map_err(|_| err(key, format!("`{s}` is not a number"))),
    }
}

fn date(terms: &serde_json::Map<String, Value>, key: &str) -> Result<Option<Date>, ImportError> {
    match text(terms, key) {
        None => Ok(None),
        Some(s) => Date::parse(&s)
            .filter(writable)
            .map(Some)
            .ok_or_else(|| err(key, format!("`{s}` is not a date at midnight from year 1000 to 9999"))),
    }
}

/// A date aifin can write: calendar literals have four-digit years (a fuzzed term sheet with
/// `20101-03-01` made an import that did not parse).
fn writable(d: &Date) -> bool {
    (1000..=9999).contains(&d.y)
}

/// Terms whose date may carry a time of day: ACTUS counts such a date's events at the end of
/// their day (aifin's `day_end`).
const TIMED: &[&str] = &["maturityDate", "amortizationDate", "terminationDate"];

/// A [`TIMED`] term's day, and whether it has a time of day after midnight.
fn timed_date(terms: &serde_json::Map<String, Value>, key: &str) -> Result<Option<(Date, bool)>, ImportError> {
    let Some(s) = text(terms, key) else { return Ok(None) };
    let (day, time) = s.split_once('T').unwrap_or((s.as_str(), ""));
    let d = Date::parse(day).filter(writable).ok_or_else(|| err(key, format!("`{s}` is not a date")))?;
    let valid = time.split(':').all(|p| p.chars().all(|c| c.is_ascii_digit()));
    if !valid {
        return Err(err(key, format!("`{s}` is not a date and time")));
    }
    Ok(Some((d, time.chars().any(|c| c.is_ascii_digit() && c != '0'))))
}

fn cycle_text(c: Cycle) -> String {
    let unit = match c.unit {
        CycleUnit::Day => "day",
        CycleUnit::Week => "week",
        CycleUnit::Month => "month",
        CycleUnit::Quarter => "quarter",
        CycleUnit::Half => return format!("{} month", c.n * 6),
        CycleUnit::Year => "year",
    };
    format!("{} {unit}", c.n)
}

fn name_of(id: &str) -> String {
    let mut s: String = id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert_str(0, "c_");
    }
    if crate::syntax::grammar::is_reserved(&s) {
        s.push('_');
    }
    s
}

/// Text from the term sheet made safe for a `//` comment: a control character (a newline
/// above all, which would end the comment and turn the rest into code) is written escaped.
fn comment_safe(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

fn number_text(x: Decimal) -> String {
    crate::number::format_exact(x)
}

/// Whether std/units declares the currency: the ISO 4217 table it is generated from.
fn is_std_currency(code: &str) -> bool {
    include_str!("../../std_lib/iso4217.tsv").lines().any(|l| {
        let mut parts = l.split('\t');
        parts.next() == Some(code) && parts.next().is_some_and(|m| m.parse::<u32>().is_ok())
    })
}

/// A rate per year as a percentage (`0.05` → `5%/year`).
fn percent(x: Decimal) -> String {
    // a rate too large to write in % (fuzzed: ×100 overflowed, a panic) is the same value per year
    match x.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => format!("{}%/year", number_text(p)),
        None => format!("{}/year", number_text(x)),
    }
}

/// The observed values of a market object (`dataObserved`) as a `step` curve: its name and
/// declaration. Rates (`percent`) are written per year.
fn market_curve(doc: &Value, code: &str, term: &str, percent_per_year: bool) -> Result<(String, String), ImportError> {
    let data = doc
        .get("dataObserved")
        .and_then(|d| d.get(code))
        .and_then(|d| d.get("data"))
        .and_then(Value::as_array)
        .ok_or_else(|| err(term, format!("no `dataObserved` values for `{code}`")))?;
    let mut anchors = Vec::new();
    for point in data {
        let when = point.get("timestamp").map(|v| match v {
            Value::String(s) => s.trim().to_string(),
            other => other.to_string(),
        });
        let day = when.as_deref().and_then(Date::parse);
        let value = match point.get("value") {
            Some(Value::String(s)) => Decimal::from_str(s.trim()).or_else(|_| Decimal::from_scientific(s.trim())).ok(),
            Some(Value::Number(n)) => {
                Decimal::from_str(&n.to_string()).or_else(|_| Decimal::from_scientific(&n.to_string())).ok()
            }
            _ => None,
        };
        match (day, value) {
            (Some(d), Some(v)) => {
                anchors.push(format!("{} @ {d}", if percent_per_year { percent(v) } else { number_text(v) }))
            }
            _ => return Err(err("dataObserved", format!("a value of `{code}` is not a dated number"))),
        }
    }
    if anchors.is_empty() {
        return Err(err("dataObserved", format!("`{code}` has no values")));
    }
    let curve = name_of(&code.to_lowercase());
    let mut src = format!(
        "// {}: observed values (ACTUS dataObserved); an event reads the last one on or before it\n",
        comment_safe(code)
    );
    let _ = writeln!(src, "curve {curve} = step({})", anchors.join(", "));
    Ok((curve, src))
}

/// Scaling (`scalingEffect` other than `OOO`): the index's observed values as a curve and the
/// loan's scaling terms.
type ScalingTerms = (String, Vec<(&'static str, String)>);

fn scaling(doc: &Value, terms: &serde_json::Map<String, Value>) -> Result<Option<ScalingTerms>, ImportError> {
    let effect = match text(terms, "scalingEffect").as_deref() {
        None | Some("000") | Some("OOO") => return Ok(None),
        Some("IOO") => "interest",
        Some("ONO") => "principal",
        Some("INO") => "both",
        Some(other) => return Err(err("scalingEffect", format!("`{other}` is not OOO, IOO, ONO or INO"))),
    };
    let code = text(terms, "marketObjectCodeOfScalingIndex")
        .ok_or_else(|| err("marketObjectCodeOfScalingIndex", "scaling needs the index it reads"))?;
    let (curve, src) = market_curve(doc, &code, "marketObjectCodeOfScalingIndex", false)?;
    let c = text(terms, "cycleOfScalingIndex")
        .and_then(|s| Cycle::parse_actus(&s))
        .ok_or_else(|| err("cycleOfScalingIndex", "scaling needs a cycle like P2ML1"))?;
    let mut out = vec![("scaling", curve), ("scaling_every", cycle_text(c))];
    out.push(("scaling_stub", if c.long_stub { "long" } else { "short" }.to_string()));
    if let Some(d) = date(terms, "cycleAnchorDateOfScalingIndex")? {
        out.push(("scaling_anchor", d.to_string()));
    }
    if let Some(b) = decimal(terms, "scalingIndexAtContractDealDate")? {
        out.push(("scaling_base", number_text(b)));
    }
    out.push(("scaling_effect", effect.to_string()));
    Ok(Some((src, out)))
}

/// A floating rate: the market data as a `step` curve and the loan's reset terms.
struct Reset {
    curve: String,
    terms: Vec<(&'static str, String)>,
}

/// `cycleOfRateReset` with `marketObjectCodeOfRateReset`: the observed values (`dataObserved`)
/// become a curve, and `rate` the curve times `rateMultiplier` plus `rateSpread`.
fn rate_reset(
    doc: &Value,
    terms: &serde_json::Map<String, Value>,
    rate: Decimal,
) -> Result<Option<Reset>, ImportError> {
    let Some(cycle_text_) = text(terms, "cycleOfRateReset") else {
        for key in ["cycleAnchorDateOfRateReset", "nextResetRate", "marketObjectCodeOfRateReset"] {
            if text(terms, key).is_some() {
                return Err(err(key, format!("`{key}` without `cycleOfRateReset`")));
            }
        }
        return Ok(None);
    };
    let cycle = Cycle::parse_actus(&cycle_text_)
        .ok_or_else(|| err("cycleOfRateReset", format!("`{cycle_text_}` is not a cycle like P3ML1")))?;
    let code = text(terms, "marketObjectCodeOfRateReset")
        .ok_or_else(|| err("marketObjectCodeOfRateReset", "a rate reset needs the market object it reads"))?;
    let (curve, src) = market_curve(doc, &code, "marketObjectCodeOfRateReset", true)?;
    let multiplier = decimal(terms, "rateMultiplier")?.unwrap_or(Decimal::ONE);
    let spread = decimal(terms, "rateSpread")?.unwrap_or_default();
    let mut expr =
        if multiplier == Decimal::ONE { curve.clone() } else { format!("{} * {curve}", number_text(multiplier)) };
    if spread > Decimal::ZERO {
        expr = format!("{expr} + {}", percent(spread));
    } else if spread < Decimal::ZERO {
        expr = format!("{expr} - {}", percent(-spread));
    }
    let mut out = vec![("rate", expr), ("initial_rate", percent(rate)), ("reset", cycle_text(cycle))];
    if let Some(d) = date(terms, "cycleAnchorDateOfRateReset")? {
        out.push(("reset_anchor", d.to_string()));
    }
    out.push(("reset_stub", if cycle.long_stub { "long" } else { "short" }.to_string()));
    if let Some(r) = decimal(terms, "nextResetRate")? {
        out.push(("next_rate", percent(r)));
    }
    Ok(Some(Reset { curve: src, terms: out }))
}

/// Converts an ACTUS term sheet (JSON text) into `.aifin` text.
pub fn import(json: &str) -> Result<String, ImportError> {
    let doc: Value = serde_json::from_str(json).map_err(|e| err("", format!("not JSON: {e}")))?;
    let terms = match doc.get("terms").and_then(Value::as_object) {
        Some(t) => t,
        None => {
            doc.as_object().filter(|o| o.contains_key("contractType")).ok_or_else(|| err("", "no `terms` object"))?
        }
    };
    // every term must be understood
    for (key, value) in terms {
        let present = !matches!(value, Value::Null) && !matches!(value, Value::String(s) if s.trim().is_empty());
        if !present || IGNORED.contains(&key.as_str()) || KNOWN.contains(&key.as_str()) {
            continue;
        }
        match OFF_VALUES.iter().find(|(k, _)| k == key) {
            Some((_, ok)) => {
                let v = text(terms, key).unwrap_or_default();
                if !ok.contains(&v.as_str()) {
                    return Err(err(key, format!("`{key}` = `{v}` cannot be represented (aifin's loans have no rate resets, business-day shifting, fees, scaling, purchase or termination)")));
                }
            }
            None => return Err(err(key, format!("the term `{key}` cannot be represented in aifin"))),
        }
    }
    let kind = text(terms, "contractType").ok_or_else(|| err("contractType", "missing"))?;
    let amortization = match kind.as_str() {
        "PAM" => "bullet",
        "ANN" => "annuity",
        "LAM" => "linear",
        "NAM" => "negative",
        other => {
            return Err(err("contractType", format!("`{other}` is not a loan aifin represents (PAM, ANN, LAM, NAM)")))
        }
    };
    let id = text(terms, "contractID").unwrap_or_else(|| "imported".to_string());
    let name = name_of(&id);
    let role = match text(terms, "contractRole").as_deref() {
        None | Some("RPA") => "lender",
        Some("RPL") => "borrower",
        Some(other) => return Err(err("contractRole", format!("`{other}` is not RPA or RPL"))),
    };
    let currency = text(terms, "currency").unwrap_or_else(|| "USD".to_string());
    if !currency.chars().all(|c| c.is_ascii_uppercase()) || currency.is_empty() {
        return Err(err("currency", format!("`{currency}` is not a currency code")));
    }
    let money = |x: Decimal| format!("{} {currency}", number_text(x));
    let notional = decimal(terms, "notionalPrincipal")?.ok_or_else(|| err("notionalPrincipal", "missing"))?;
    let rate = decimal(terms, "nominalInterestRate")?.unwrap_or_default();
    let ied = date(terms, "initialExchangeDate")?.ok_or_else(|| err("initialExchangeDate", "missing"))?;
    let daycount = match text(terms, "dayCountConvention").as_deref() {
        None | Some("A365") | Some("AA365") => "A365",
        Some("A360") => "A360",
        Some("AA") => "AA",
        Some("30E360") => "E30_360",
        Some(other) => {
            return Err(err("dayCountConvention", format!("`{other}` is not supported (A365, A360, AA, 30E360)")))
        }
    };
    let parse_cycle = |key: &str| -> Result<Option<Cycle>, ImportError> {
        match text(terms, key) {
            None => Ok(None),
            Some(s) => {
                Cycle::parse_actus(&s).map(Some).ok_or_else(|| err(key, format!("`{s}` is not a cycle like P1ML0")))
            }
        }
    };
    let ip_cycle = parse_cycle("cycleOfInterestPayment")?;
    let pr_cycle = parse_cycle("cycleOfPrincipalRedemption")?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// Imported from the ACTUS term sheet `{}` (contractType {kind}, contractRole {}).",
        comment_safe(&id),
        if role == "lender" { "RPA" } else { "RPL" }
    );
    let _ = writeln!(out, "// Payoffs in `aifin schedule` are signed for the {role}, as ACTUS signs them.");
    if !is_std_currency(&currency) {
        let _ = writeln!(out, "currency {currency} minor 2");
    }
    let reset = rate_reset(&doc, terms, rate)?;
    if let Some(r) = &reset {
        out.push_str(&r.curve);
    }
    let scaling = scaling(&doc, terms)?;
    if let Some((src, _)) = &scaling {
        out.push_str(src);
    }
    // the books are in the contract's currency, over the contract's life
    let end = timed_date(terms, "maturityDate")?
        .map(|x| x.0)
        .or(timed_date(terms, "amortizationDate")?.map(|x| x.0))
        .unwrap_or(Date { y: ied.y + 10, m: ied.m, d: 1 });
    // a default ten-year window stops at the last year aifin can write (fuzzed: 9997 + 10)
    let end = if end.y > 9999 { Date { y: 9999, m: 12, d: 1 } } else { end };
    let _ = writeln!(out, "scenario {name}_books {{");
    let _ = writeln!(out, "  timeline {:04}-{:02} .. {:04}-{:02} monthly", ied.y, ied.m, end.y.max(ied.y), end.m);
    let _ = writeln!(out, "  currency {currency}");
    let _ = writeln!(out, "}}");
    let _ = writeln!(out, "entity {name}_lender {{ kind lender }}");
    let _ = writeln!(out, "entity {name}_borrower {{ kind company }}");
    let _ = writeln!(out);
    let _ = writeln!(out, "contract {name}: loan {{");
    let mut term = |k: &str, v: String| {
        let _ = writeln!(out, "  {k} {v}");
    };
    term("lender", format!("{name}_lender"));
    term("borrower", format!("{name}_borrower"));
    term("role", role.to_string());
    term("amortization", amortization.to_string());
    term("principal", money(notional));
    match &reset {
        None => term("rate", percent(rate)),
        Some(r) => {
            for (k, v) in &r.terms {
                term(k, v.clone());
            }
        }
    }
    term("start", ied.to_string());
    if let Some(m) = timed_date(terms, "maturityDate")?.map(|x| x.0) {
        term("maturity", m.to_string());
    }
    term("daycount", daycount.to_string());
    match ip_cycle {
        Some(c) => term("every", cycle_text(c)),
        None if amortization == "bullet" => term("every", "maturity".to_string()),
        None => {}
    }
    if let Some(c) = pr_cycle {
        term("principal_every", cycle_text(c));
    }
    if let Some(d) = date(terms, "cycleAnchorDateOfInterestPayment")? {
        term("interest_anchor", d.to_string());
    }
    if let Some(d) = date(terms, "cycleAnchorDateOfPrincipalRedemption")? {
        term("principal_anchor", d.to_string());
    }
    let stub_short = ip_cycle.or(pr_cycle).is_some_and(|c| !c.long_stub);
    term("stub", if stub_short { "short" } else { "long" }.to_string());
    if let (Some(a), Some(b)) = (ip_cycle, pr_cycle) {
        if a.long_stub != b.long_stub {
            term("principal_stub", if b.long_stub { "long" } else { "short" }.to_string());
        }
    }
    match text(terms, "endOfMonthConvention").as_deref() {
        None | Some("SD") => term("end_of_month", "same_day".to_string()),
        Some("EOM") => term("end_of_month", "end_of_month".to_string()),
        Some(other) => return Err(err("endOfMonthConvention", format!("`{other}` is not SD or EOM"))),
    }
    match text(terms, "businessDayConvention").as_deref() {
        None | Some("NOS") => {}
        Some(code) => match super::business::BusinessDay::name_of_actus(code) {
            Some(name) => term("business_day", name.to_string()),
            None => {
                return Err(err(
                    "businessDayConvention",
                    format!("`{code}` is not an ACTUS convention (SCF, SCMF, CSF, CSMF, SCP, SCMP, CSP, CSMP, NOS)"),
                ))
            }
        },
    }
    match text(terms, "calendar").as_deref() {
        None | Some("NC") | Some("NOCALENDAR") => {}
        Some("MF") | Some("MONDAYTOFRIDAY") => term("calendar", "weekdays".to_string()),
        Some(other) => return Err(err("calendar", format!("`{other}` is not a calendar aifin has (NC, MF)"))),
    }
    match text(terms, "interestCalculationBase").as_deref() {
        None | Some("NT") => {}
        Some(base @ ("NTIED" | "NTL")) => {
            term("interest_base", if base == "NTL" { "lagged" } else { "at_start" }.to_string());
            if base == "NTL" {
                let c = parse_cycle("cycleOfInterestCalculationBase")?
                    .ok_or_else(|| err("cycleOfInterestCalculationBase", "NTL needs the IPCB cycle"))?;
                term("interest_base_every", cycle_text(c));
                term("interest_base_stub", if c.long_stub { "long" } else { "short" }.to_string());
                if let Some(d) = date(terms, "cycleAnchorDateOfInterestCalculationBase")? {
                    term("interest_base_anchor", d.to_string());
                }
            }
            if let Some(a) = decimal(terms, "interestCalculationBaseAmount")? {
                term("interest_base_amount", money(a));
            }
        }
        Some(other) => {
            return Err(err("interestCalculationBase", format!("`{other}` is not NT, NTIED or NTL")));
        }
    }
    for (k, v) in scaling.iter().flat_map(|(_, t)| t) {
        term(k, v.clone());
    }
    if let Some(d) = date(terms, "purchaseDate")? {
        term("purchase_date", d.to_string());
        term("purchase_price", money(decimal(terms, "priceAtPurchaseDate")?.unwrap_or_default()));
    }
    if let Some(d) = timed_date(terms, "terminationDate")?.map(|x| x.0) {
        term("termination_date", d.to_string());
        term("termination_price", money(decimal(terms, "priceAtTerminationDate")?.unwrap_or_default()));
    }
    if let Some(p) = decimal(terms, "nextPrincipalRedemptionPayment")? {
        term("payment", money(p));
    }
    if let Some(p) = decimal(terms, "premiumDiscountAtIED")? {
        if !p.is_zero() {
            term("premium", money(p));
        }
    }
    if let Some(d) = date(terms, "capitalizationEndDate")? {
        term("capitalize_until", d.to_string());
    }
    if let Some(d) = timed_date(terms, "amortizationDate")?.map(|x| x.0) {
        term("amortization_date", d.to_string());
    }
    let running = date(terms, "statusDate")?.filter(|sd| *sd > ied);
    if let Some(sd) = running {
        term("status_date", sd.to_string());
    }
    if let Some(a) = decimal(terms, "accruedInterest")? {
        if running.is_some() || !a.is_zero() {
            term("accrued", money(a));
        }
    }
    let mut day_end = None;
    for key in TIMED {
        if let Some((d, true)) = timed_date(terms, key)? {
            if day_end.is_some_and(|x| x != d) {
                return Err(err(key, "dates with a time of day on two different days cannot be represented"));
            }
            day_end = Some(d);
        }
    }
    if let Some(d) = day_end {
        let _ = writeln!(out, "  day_end {d}");
    }
    out.push_str("}\n");
    Ok(out)
}

/// Terms [`import`] maps onto aifin's loan terms.
const KNOWN: &[&str] = &[
    "notionalPrincipal",
    "nominalInterestRate",
    "initialExchangeDate",
    "maturityDate",
    "dayCountConvention",
    "cycleOfInterestPayment",
    "cycleOfPrincipalRedemption",
    "cycleAnchorDateOfInterestPayment",
    "cycleAnchorDateOfPrincipalRedemption",
    "endOfMonthConvention",
    "nextPrincipalRedemptionPayment",
    "premiumDiscountAtIED",
    "capitalizationEndDate",
    "amortizationDate",
    "statusDate",
    "accruedInterest",
    "cycleOfRateReset",
    "cycleAnchorDateOfRateReset",
    "nextResetRate",
    "marketObjectCodeOfRateReset",
    "rateMultiplier",
    "rateSpread",
    "businessDayConvention",
    "calendar",
    "scalingEffect",
    "cycleOfScalingIndex",
    "cycleAnchorDateOfScalingIndex",
    "marketObjectCodeOfScalingIndex",
    "scalingIndexAtContractDealDate",
    "interestCalculationBase",
    "cycleOfInterestCalculationBase",
    "cycleAnchorDateOfInterestCalculationBase",
    "interestCalculationBaseAmount",
    "purchaseDate",
    "priceAtPurchaseDate",
    "terminationDate",
    "priceAtTerminationDate",
];
