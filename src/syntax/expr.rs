//! Expressions: pest pairs → [`Expr`] nodes, by precedence climbing.
//!
//! Precedence, lowest first: `..` (range), `in` (conversion), `+ -`, `* /`, unary `-`, `^`
//! (right-associative), then calls and member access. Number literals become exact decimals
//! here; a literal that does not fit is an error at the literal.

use super::ast::*;
use super::error::ParseError;
use super::grammar::{is_keyword, Rule};
use super::Builder;
use crate::limits::MAX_EXPR_TOKENS;
use pest::iterators::Pair;

/// The binding power of unary `-` (between `* /` and `^`).
const NEG: u8 = 30;

/// An infix operator's binding power and meaning, from its text.
fn binding(op: &str) -> (u8, BinaryOp) {
    match op {
        "+" => (10, BinaryOp::Add),
        "-" => (10, BinaryOp::Sub),
        "*" => (20, BinaryOp::Mul),
        "/" => (20, BinaryOp::Div),
        _ => (40, BinaryOp::Pow),
    }
}

fn significant<'i>(pair: Pair<'i, Rule>) -> impl Iterator<Item = Pair<'i, Rule>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

impl Builder<'_> {
    /// An expression that starts a new size budget (a field value, a definition, a claim side).
    pub(super) fn root_expr(&mut self, pair: Pair<'_, Rule>) -> Result<Expr, ParseError> {
        self.tokens = 0;
        self.expr(pair)
    }

    /// `expr = arith_body conversion? range_tail?` (the body's operands and operators are
    /// `expr`'s own pairs: `arith_body` is silent).
    pub(super) fn expr(&mut self, pair: Pair<'_, Rule>) -> Result<Expr, ParseError> {
        let raw = pair.as_span();
        let pairs = pair.into_inner();
        // the first value's operands and operators: counted before any is built (`converted`
        // counts a range's bounds as it reaches them)
        self.count_tokens(pairs.clone().take_while(|p| is_operand_or_operator(p.as_rule())), raw)?;
        let mut inner = pairs.peekable();
        let low = self.converted(&mut inner, raw)?;
        match inner.next() {
            None => Ok(low),
            Some(tail) => {
                let mut parts = significant(tail).peekable();
                let high = self.converted(&mut parts, raw)?;
                let point = match parts.next() {
                    Some(_tilde) => Some(Box::new(self.converted(&mut parts, raw)?)),
                    None => None,
                };
                let span = self.trimmed(raw);
                Ok(Expr { kind: ExprKind::Range { low: Box::new(low), high: Box::new(high), point }, span })
            }
        }
    }

    /// `arith conversion?` from a sequence of pairs: an `arith` pair (a range's bound), or the
    /// operands and operators themselves (an expression's first value).
    fn converted<'i>(
        &mut self,
        pairs: &mut std::iter::Peekable<impl Iterator<Item = Pair<'i, Rule>>>,
        raw: pest::Span<'_>,
    ) -> Result<Expr, ParseError> {
        let value = match pairs.next_if(|p| p.as_rule() == Rule::arith) {
            Some(arith) => {
                let raw = arith.as_span();
                let pairs = arith.into_inner();
                self.count_tokens(pairs.clone(), raw)?;
                self.pratt(&mut pairs.peekable(), 0, raw)?
            }
            None => self.pratt(pairs, 0, raw)?,
        };
        match pairs.next_if(|p| p.as_rule() == Rule::conversion) {
            None => Ok(value),
            Some(conv) => {
                let cspan = self.span(&conv);
                let u = self.require(significant(conv).next(), cspan)?;
                let unit = self.unit_expr(u)?;
                Ok(Expr {
                    span: value.span.to(cspan),
                    kind: ExprKind::Convert { value: Box::new(value), unit: Box::new(unit) },
                })
            }
        }
    }

    /// Counts the operands and operators of one arithmetic against the root expression's size
    /// budget ([`MAX_EXPR_TOKENS`]) before any is built (so the size error comes first, and the
    /// precedence climbing never recurses past the budget). `raw` is the span `operands` start
    /// in; the error's label is the arithmetic's first line.
    fn count_tokens<'i>(
        &mut self,
        operands: impl Iterator<Item = Pair<'i, Rule>>,
        raw: pest::Span<'_>,
    ) -> Result<(), ParseError> {
        let mut end = raw.start();
        for p in operands {
            self.tokens = self.tokens.saturating_add(1);
            end = p.as_span().end();
        }
        if self.tokens > MAX_EXPR_TOKENS {
            // Label only the first line: the whole expression may be thousands of lines long.
            let arith = raw.get(..end.saturating_sub(raw.start())).unwrap_or(raw);
            let first_line = pair_first_line(self.trimmed(arith), self.text);
            return Err(ParseError::ExpressionTooLarge {
                span: first_line,
                what: "operators and operands",
                limit: MAX_EXPR_TOKENS,
            });
        }
        Ok(())
    }

    /// Precedence climbing over operands (`neg`, `postfix_expr`) and operators (`infix`):
    /// `+ -` < `* /` < unary `-` < `^` (right associative); `rbp` is the binding power an
    /// operator must exceed to take the left side. Stops at the first other pair (a conversion,
    /// a range's tail), which it leaves in `pairs`.
    fn pratt<'i>(
        &mut self,
        pairs: &mut std::iter::Peekable<impl Iterator<Item = Pair<'i, Rule>>>,
        rbp: u8,
        raw: pest::Span<'_>,
    ) -> Result<Expr, ParseError> {
        let first = self.require_at(pairs.next(), raw)?;
        let mut lhs = if first.as_rule() == Rule::neg {
            let op_span = self.span(&first);
            let rhs = self.pratt(pairs, NEG, raw)?;
            Expr { span: op_span.to(rhs.span), kind: ExprKind::Unary { op: UnaryOp::Neg, operand: Box::new(rhs) } }
        } else {
            self.postfix_expr(first)?
        };
        while let Some(op) = pairs.next_if(|p| p.as_rule() == Rule::infix && binding(p.as_str()).0 > rbp) {
            let (lbp, bop) = binding(op.as_str());
            let op_span = self.span(&op);
            // left associative: the right side binds tighter than `lbp`; `^` is right associative
            let rhs = self.pratt(pairs, if bop == BinaryOp::Pow { lbp - 1 } else { lbp }, raw)?;
            lhs = Expr {
                span: lhs.span.to(rhs.span),
                kind: ExprKind::Binary { op: bop, op_span, lhs: Box::new(lhs), rhs: Box::new(rhs) },
            };
        }
        Ok(lhs)
    }

    /// `postfix_expr = primary (call_args | member)*`
    fn postfix_expr(&mut self, pair: Pair<'_, Rule>) -> Result<Expr, ParseError> {
        let raw = pair.as_span();
        let mut inner = pair.into_inner();
        let first = self.require_at(inner.next(), raw)?;
        let mut e = self.primary(first)?;
        for post in inner {
            let post_span = self.span(&post);
            match post.as_rule() {
                Rule::member => {
                    let name = self.ident_in(post)?;
                    e = Expr { span: e.span.to(post_span), kind: ExprKind::Member { base: Box::new(e), member: name } };
                }
                _ => {
                    let mut args = Vec::new();
                    for a in post.into_inner() {
                        args.push(self.arg(a)?);
                    }
                    args.shrink_to_fit();
                    e = Expr { span: e.span.to(post_span), kind: ExprKind::Call { callee: Box::new(e), args } };
                }
            }
        }
        Ok(e)
    }

    pub(super) fn arg(&mut self, pair: Pair<'_, Rule>) -> Result<Arg, ParseError> {
        let span = self.span(&pair);
        let mut name = None;
        let mut value = None;
        let mut anchor = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::arg_name => name = Some(self.ident_in(p)?),
                Rule::expr => value = Some(self.expr(p)?),
                _ => {
                    let s = self.span(&p);
                    let lit = self.require(p.into_inner().next(), s)?;
                    anchor = Some(self.period(lit)?);
                }
            }
        }
        let value = self.require(value, span)?;
        Ok(Arg { name, value, anchor, span })
    }

    fn primary(&mut self, pair: Pair<'_, Rule>) -> Result<Expr, ParseError> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::paren => {
                let inner = self.require(pair.into_inner().next(), span)?;
                let e = self.expr(inner)?;
                Ok(Expr { kind: ExprKind::Paren(Box::new(e)), span })
            }
            Rule::date_lit | Rule::month_lit | Rule::quarter_lit | Rule::half_lit | Rule::year_lit => {
                let p = self.period(pair)?;
                Ok(Expr { kind: ExprKind::Period(p.value), span })
            }
            Rule::quantity => {
                // `number` is silent: the number is the text before the unit, if any
                let raw = pair.as_span();
                let unit = pair.into_inner().next();
                let number_end = unit.as_ref().map_or(raw.end(), |u| u.as_span().start());
                let text = raw.as_str().get(..number_end.saturating_sub(raw.start())).unwrap_or("");
                let number = self.number(text.trim_end_matches([' ', '\t']), raw.start())?;
                let unit = match unit {
                    Some(u) => Some(self.unit_expr(u)?),
                    None => None,
                };
                Ok(Expr { kind: ExprKind::Quantity { number, unit: unit.map(Box::new) }, span })
            }
            Rule::string => Ok(Expr { kind: ExprKind::Str(self.string(pair)?), span }),
            _ => Ok(Expr { kind: ExprKind::Name(Ident { name: pair.as_str().to_string(), span }), span }),
        }
    }

    /// A number literal, exactly: `text`, which starts at `start` in the piece.
    fn number(&mut self, text: &str, start: usize) -> Result<NumberLit, ParseError> {
        crate::number::parse_literal(text)
            .map(|value| NumberLit { value, text: text.to_string() })
            .map_err(|_| ParseError::NumberOutOfRange { span: self.range(start, start + text.len()) })
    }

    /// `unit_expr = unit_ref (unit_op unit_ref)*`
    pub(super) fn unit_expr(&mut self, pair: Pair<'_, Rule>) -> Result<UnitExpr, ParseError> {
        let span = self.span(&pair);
        let mut factors = Vec::new();
        let mut op = UnitOp::Mul;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::unit_op => op = if p.as_str() == "/" { UnitOp::Div } else { UnitOp::Mul },
                _ => {
                    factors.push(self.unit_ref(p, op)?);
                    op = UnitOp::Mul;
                }
            }
        }
        factors.shrink_to_fit();
        Ok(UnitExpr { factors, span })
    }

    /// A `unit_ref`: the unit's name, then optionally its `unit_power`.
    fn unit_ref(&mut self, pair: Pair<'_, Rule>, op: UnitOp) -> Result<UnitFactor, ParseError> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name_pair = self.require(inner.next(), span)?;
        let name = self.ident(&name_pair);
        let power = match inner.next() {
            Some(pw) => self.small_int(pw)?,
            None => 1,
        };
        Ok(UnitFactor { op, name, power, span })
    }

    /// The integer inside a `unit_power` (or an `integer` itself), as a small exponent.
    pub(super) fn small_int(&mut self, pair: Pair<'_, Rule>) -> Result<i32, ParseError> {
        let pair = if pair.as_rule() == Rule::integer {
            pair
        } else {
            let s = self.span(&pair);
            self.require(pair.into_inner().next(), s)?
        };
        let span = self.span(&pair);
        pair.as_str()
            .parse::<i32>()
            .ok()
            .filter(|n| (-12..=12).contains(n))
            .ok_or(ParseError::IntegerOutOfRange { span, range: "-12..=12" })
    }

    /// A calendar literal, validated.
    pub(super) fn period(&mut self, pair: Pair<'_, Rule>) -> Result<PeriodLit, ParseError> {
        let span = self.span(&pair);
        let text = pair.as_str();
        let bad = |reason: String| ParseError::InvalidDate { span, reason };
        let num = |s: Option<&str>| s.and_then(|s| s.parse::<u32>().ok()).unwrap_or(0);
        let year = text.get(0..4).and_then(|y| y.parse::<i32>().ok()).unwrap_or(0);
        let value = match pair.as_rule() {
            Rule::date_lit => {
                let (m, d) = (num(text.get(5..7)), num(text.get(8..10)));
                if !(1..=12).contains(&m) {
                    return Err(bad(format!("there is no month {m}")));
                }
                let last = crate::calendar::days_in_month(year, m);
                if d < 1 || d > last {
                    return Err(bad(format!("{year:04}-{m:02} has days 1 to {last}")));
                }
                PeriodValue::Day(year, m, d)
            }
            Rule::month_lit => {
                let m = num(text.get(5..7));
                if !(1..=12).contains(&m) {
                    return Err(bad(format!("there is no month {m}")));
                }
                PeriodValue::Month(year, m)
            }
            Rule::quarter_lit => {
                let q = num(text.get(6..7));
                if !(1..=4).contains(&q) {
                    return Err(bad(format!("quarters are Q1 to Q4, not Q{q}")));
                }
                PeriodValue::Quarter(year, q)
            }
            Rule::half_lit => {
                let h = num(text.get(6..7));
                if !(1..=2).contains(&h) {
                    return Err(bad(format!("halves are H1 and H2, not H{h}")));
                }
                PeriodValue::Half(year, h)
            }
            _ => PeriodValue::Year(year),
        };
        if year < 1 {
            return Err(bad("years start at 0001".to_string()));
        }
        Ok(PeriodLit { value, span })
    }

    /// The text of a string literal with its escapes resolved.
    pub(super) fn string(&mut self, pair: Pair<'_, Rule>) -> Result<String, ParseError> {
        let raw = pair.into_inner().next().map(|p| p.as_str()).unwrap_or("");
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(other) => out.push(other),
                    None => {}
                }
            } else {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// The first `name`-like token inside `pair` as an identifier.
    pub(super) fn ident_in(&mut self, pair: Pair<'_, Rule>) -> Result<Ident, ParseError> {
        let raw = pair.as_span();
        let name = self.require_at(pair.into_inner().find(|p| p.as_rule() == Rule::name), raw)?;
        Ok(self.ident(&name))
    }

    /// A `name` token as an identifier.
    pub(super) fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        // one look-up of the pair's tokens for both (`as_str` and `span` each made one)
        let raw = pair.as_span();
        Ident { name: raw.as_str().to_string(), span: self.trimmed(raw) }
    }

    /// A `name` token that a declaration introduces: reserved words are refused.
    pub(super) fn declared(&self, pair: &Pair<'_, Rule>) -> Result<Ident, ParseError> {
        let id = self.ident(pair);
        if super::grammar::is_reserved(&id.name) {
            return Err(ParseError::ReservedWord { span: id.span, word: id.name });
        }
        Ok(id)
    }
}

/// Whether a pair of `expr`'s is one of its first value's operands and operators (not its
/// conversion or range tail).
fn is_operand_or_operator(rule: Rule) -> bool {
    matches!(rule, Rule::neg | Rule::postfix_expr | Rule::infix)
}

/// The part of `span` on its first line.
fn pair_first_line(span: crate::source::Span, text: &str) -> crate::source::Span {
    let body = text.get(span.start()..span.end()).unwrap_or("");
    let len = body.find('\n').unwrap_or(body.len()).min(80);
    let mut end = len;
    while end > 0 && !body.is_char_boundary(end) {
        end -= 1;
    }
    span.sub(text, 0, end).unwrap_or(span)
}
