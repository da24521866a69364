//! The canonical printer behind `aifin fmt`: AST → text that parses back to the same AST.
//!
//! Layout: one declaration per line (bodies one item per line, two-space indent), a blank line
//! between declarations of different kinds, single spaces around binary operators, units
//! written compactly (`USD/day`, `W*hour`), numbers exactly as written. Parentheses are kept
//! where the source had them. Comments stay where they were: at the end of their line of code,
//! inside the declaration of several lines they were in, or between declarations (see [`file`]).

use super::ast::*;
use crate::source::SourceMap;
use std::fmt::Write;

/// Prints an expression.
pub fn expr(e: &Expr) -> String {
    let mut s = String::new();
    write_expr(&mut s, e);
    s
}

/// Prints a unit expression.
pub fn unit(u: &UnitExpr) -> String {
    let mut s = String::new();
    for (i, f) in u.factors.iter().enumerate() {
        if i > 0 {
            s.push(if f.op == UnitOp::Div { '/' } else { '*' });
        } else if f.op == UnitOp::Div {
            s.push_str("1/");
        }
        s.push_str(&f.name.name);
        if f.power != 1 {
            let _ = write!(s, "^{}", f.power);
        }
    }
    s
}

fn write_expr(s: &mut String, e: &Expr) {
    match &e.kind {
        ExprKind::Quantity { number, unit: u } => {
            s.push_str(&number.text);
            if let Some(u) = u {
                if u.factors.first().is_none_or(|f| f.name.name != "%") {
                    s.push(' ');
                }
                s.push_str(&unit(u));
            }
        }
        ExprKind::Period(p) => {
            let _ = write!(s, "{p}");
        }
        ExprKind::Str(t) => write_string(s, t),
        ExprKind::Name(n) => s.push_str(&n.name),
        ExprKind::Member { base, member } => {
            write_expr(s, base);
            s.push('.');
            s.push_str(&member.name);
        }
        ExprKind::Call { callee, args } => {
            write_expr(s, callee);
            s.push('(');
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                if let Some(n) = &a.name {
                    s.push_str(&n.name);
                    s.push_str(": ");
                }
                write_expr(s, &a.value);
                if let Some(p) = &a.anchor {
                    let _ = write!(s, " @ {}", p.value);
                }
            }
            s.push(')');
        }
        ExprKind::Dated(items) => {
            for (i, a) in items.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                write_expr(s, &a.value);
                if let Some(p) = &a.anchor {
                    let _ = write!(s, " @ {}", p.value);
                }
            }
        }
        ExprKind::Paren(inner) => {
            s.push('(');
            write_expr(s, inner);
            s.push(')');
        }
        ExprKind::Unary { operand, .. } => {
            s.push('-');
            write_expr(s, operand);
        }
        ExprKind::Binary { op, lhs, rhs, .. } => {
            write_expr(s, lhs);
            if *op == BinaryOp::Pow {
                s.push('^');
            } else {
                let _ = write!(s, " {} ", op.symbol());
            }
            write_expr(s, rhs);
        }
        ExprKind::Convert { value, unit: u } => {
            write_expr(s, value);
            s.push_str(" in ");
            s.push_str(&unit(u));
        }
        ExprKind::Range { low, high, point } => {
            write_expr(s, low);
            s.push_str(" .. ");
            write_expr(s, high);
            if let Some(p) = point {
                s.push_str(" ~ ");
                write_expr(s, p);
            }
        }
    }
}

fn write_string(s: &mut String, t: &str) {
    s.push('"');
    for c in t.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\t' => s.push_str("\\t"),
            c => s.push(c),
        }
    }
    s.push('"');
}

fn write_fields(s: &mut String, fields: &[Field]) {
    for f in fields {
        s.push_str("  ");
        s.push_str(&f.name.name);
        s.push(' ');
        if let Some(d) = &f.date {
            let _ = write!(s, "{}: ", d.value);
        }
        write_expr(s, &f.value);
        s.push('\n');
    }
}

/// Prints one declaration (with a trailing newline).
pub fn decl(d: &Decl) -> String {
    let mut s = String::new();
    match d {
        Decl::Import(i) => {
            s.push_str("import ");
            write_string(&mut s, &i.path);
            s.push('\n');
        }
        Decl::Scenario(sc) => {
            let _ = write!(s, "scenario {}", sc.name.name);
            if let Some(b) = &sc.extends {
                let _ = write!(s, " extends {}", b.name);
            }
            s.push_str(" {\n");
            if let Some(t) = &sc.timeline {
                let _ = writeln!(s, "  timeline {} .. {} {}", t.start.value, t.end.value, t.step.keyword());
            }
            if let Some(c) = &sc.currency {
                let _ = writeln!(s, "  currency {}", c.name);
            }
            if let Some(r) = &sc.rounding {
                let _ = writeln!(s, "  rounding {}", r.name);
            }
            for o in &sc.overrides {
                let field = o.field.as_ref().map(|f| format!(".{}", f.name)).unwrap_or_default();
                let _ = writeln!(s, "  {}{field} = {}", o.name.name, expr(&o.value));
            }
            s.push_str("}\n");
        }
        Decl::Entity(e) => {
            let _ = writeln!(s, "entity {} {{", e.name.name);
            write_fields(&mut s, &e.fields);
            s.push_str("}\n");
        }
        Decl::Definition(def) => {
            let kw = if def.kind == DefinitionKind::Driver { "driver" } else { "curve" };
            let _ = write!(s, "{kw} {}", def.name.name);
            if let Some(a) = &def.annotation {
                let _ = write!(s, ": {}", unit(a));
            }
            let _ = writeln!(s, " = {}", expr(&def.value));
        }
        Decl::Flow(f) => {
            let arrow = if f.direction == Direction::In { "<-" } else { "->" };
            let _ = write!(
                s,
                "flow {}.{} {} {}: {}",
                f.entity.name,
                f.name.name,
                arrow,
                f.counterparty.name,
                expr(&f.value)
            );
            if let Some(p) = &f.clauses().from {
                let _ = write!(s, " from {}", p.value);
            }
            if let Some(p) = &f.clauses().to {
                let _ = write!(s, " to {}", p.value);
            }
            if let Some(p) = &f.clauses().on {
                let _ = write!(s, " on {}", p.value);
            }
            if let Some(k) = &f.clauses().kind {
                let _ = write!(s, " as {}", k.name);
            }
            if let Some(l) = &f.clauses().life {
                let _ = write!(s, " life {}", expr(l));
            }
            if let Some(c) = &f.clauses().while_ {
                let _ = write!(s, " while {}", c.name);
            }
            if let Some(u) = &f.clauses().until {
                let _ = write!(s, " until {}", expr(u));
            }
            s.push('\n');
        }
        Decl::Contract(c) => {
            let _ = writeln!(s, "contract {}: {} {{", c.name.name, c.kind.name);
            write_fields(&mut s, &c.fields);
            s.push_str("}\n");
        }
        Decl::Claim(c) => {
            s.push_str("claim ");
            write_string(&mut s, &c.text);
            if let Some(src) = &c.source {
                let _ = write!(s, " ({src})");
            }
            if c.expect_fail {
                s.push_str(" expect fail");
            }
            let _ = write!(s, ":\n  {} ", expr(&c.value));
            match &c.test {
                ClaimTest::Approx { target, tolerance } => {
                    let _ = write!(s, "~= {}", expr(target));
                    if let Some(t) = tolerance {
                        let _ = write!(s, " within {}", expr(&t.value));
                        if t.relative {
                            s.push_str(" relative");
                        }
                    }
                }
                ClaimTest::Compare { op, target, .. } => {
                    let _ = write!(s, "{} {}", op.symbol(), expr(target));
                }
                ClaimTest::Between { range } => {
                    let _ = write!(s, "in {}", expr(range));
                }
            }
            s.push('\n');
        }
        Decl::Report(r) => {
            s.push_str("report ");
            if let Some(n) = &r.name {
                write_string(&mut s, n);
                s.push(' ');
            }
            for (i, it) in r.items.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                s.push_str(&expr(&it.value));
                if let Some(l) = &it.label {
                    s.push_str(" as ");
                    write_string(&mut s, l);
                }
            }
            if let Some(st) = r.step {
                let _ = write!(s, " {}", st.keyword());
            }
            if let Some((m, u)) = &r.scale {
                let _ = write!(s, " in {m} {}", u.name);
            }
            s.push('\n');
        }
        Decl::Unit(u) => {
            let _ = write!(s, "unit {}", u.name.name);
            if let Some(d) = &u.dimension {
                let _ = write!(s, ": {}", d.name);
            }
            if let Some(e) = &u.definition {
                let _ = write!(s, " = {}", expr(e));
            }
            s.push('\n');
        }
        Decl::Dimension(d) => {
            let _ = write!(s, "dimension {}", d.name.name);
            if let Some(fs) = &d.definition {
                s.push_str(" = ");
                for (i, f) in fs.iter().enumerate() {
                    if i > 0 {
                        s.push_str(if f.op == UnitOp::Div { " / " } else { " * " });
                    }
                    s.push_str(&f.name.name);
                    if f.power != 1 {
                        let _ = write!(s, "^{}", f.power);
                    }
                }
            }
            s.push('\n');
        }
        Decl::Currency(c) => {
            let _ = write!(s, "currency {}", c.name.name);
            if let Some((m, _)) = c.minor {
                let _ = write!(s, " minor {m}");
            }
            s.push('\n');
        }
        Decl::Exchange(x) => {
            let _ = writeln!(s, "exchange {} = {}", expr(&x.from), expr(&x.to));
        }
    }
    s
}

fn kind_tag(d: &Decl) -> u8 {
    match d {
        Decl::Import(_) => 0,
        Decl::Scenario(_) => 1,
        Decl::Entity(_) => 2,
        Decl::Definition(_) => 3,
        Decl::Flow(_) => 4,
        Decl::Contract(_) => 5,
        Decl::Claim(_) => 6,
        Decl::Report(_) => 7,
        Decl::Unit(_) | Decl::Dimension(_) | Decl::Currency(_) | Decl::Exchange(_) => 8,
    }
}

/// The comments in `text` (outside strings), each as its own text.
fn comments(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let start = i;
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                out.push(text.get(start..i).unwrap_or("").trim_end());
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let start = i;
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i = (i + 2).min(b.len());
                out.push(text.get(start..i).unwrap_or(""));
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// One printed line of a declaration and the source offset of what it prints (comments are
/// placed by it).
struct Line {
    text: String,
    anchor: usize,
    /// Indentation of comments placed on their own line before it.
    indent: &'static str,
    /// Ends in a `//` comment: nothing more may be appended.
    closed: bool,
}

impl Line {
    fn new(text: String, anchor: usize, indent: &'static str) -> Line {
        Line { text, anchor, indent, closed: false }
    }
}

/// The printed lines of a declaration with their anchors: body items of entities, contracts and
/// scenarios, and a claim's test, have lines of their own; anything else is one line. The text
/// is [`decl`]'s, line by line, so the two cannot disagree.
fn layout(d: &Decl) -> Vec<Line> {
    let start = d.span().start();
    let close = d.span().end().saturating_sub(1);
    let text = decl(d);
    let printed: Vec<&str> = text.trim_end().lines().collect();
    // the anchor of every printed line after the first, and whether a closing brace ends it
    let (items, braced): (Vec<usize>, bool) = match d {
        Decl::Entity(e) => (e.fields.iter().map(|f| f.span.start()).collect(), true),
        Decl::Contract(c) => (c.fields.iter().map(|f| f.span.start()).collect(), true),
        Decl::Scenario(sc) => {
            let mut v: Vec<usize> = Vec::new();
            v.extend(sc.timeline.as_ref().map(|t| t.span.start()));
            v.extend(sc.currency.as_ref().map(|c| c.span.start()));
            v.extend(sc.rounding.as_ref().map(|r| r.span.start()));
            v.extend(sc.overrides.iter().map(|o| o.span.start()));
            (v, true)
        }
        Decl::Claim(c) => (vec![c.value.span.start()], false),
        _ => (Vec::new(), false),
    };
    let expected = 1 + items.len() + usize::from(braced);
    if printed.len() != expected || printed.len() < 2 {
        return vec![Line::new(printed.join(" "), start, "")];
    }
    let mut lines = Vec::with_capacity(printed.len());
    for (i, text) in printed.iter().enumerate() {
        let (anchor, indent) = match i {
            0 => (start, ""),
            _ => (items.get(i - 1).copied().unwrap_or(close), "  "),
        };
        lines.push(Line::new(text.to_string(), anchor, indent));
    }
    lines
}

/// A comment in the source: where it starts, its text, and whether code precedes it on its line.
struct Comment<'a> {
    at: usize,
    text: &'a str,
    trailing: bool,
}

/// The comments of `src[from..to]`; `trailing` if the text before a comment on its line (from
/// `line_from` on) is not blank.
fn comments_in<'a>(src: &'a str, from: usize, to: usize) -> Vec<Comment<'a>> {
    let text = src.get(from..to).unwrap_or("");
    let mut out = Vec::new();
    let mut rest = 0usize;
    for c in comments(text) {
        let Some(i) = text.get(rest..).and_then(|t| t.find(c)).map(|i| i + rest) else { continue };
        rest = i + c.len();
        let at = from + i;
        let line_start = src.get(..at).and_then(|t| t.rfind('\n')).map_or(0, |j| j + 1);
        let trailing = !src.get(line_start..at).unwrap_or("").trim().is_empty();
        out.push(Comment { at, text: c, trailing });
    }
    out
}

/// Places the comments of a declaration on its lines: a comment after code goes at the end of
/// that code's line, a comment on a line of its own goes before the line of what follows it.
/// Comments inside a declaration printed on one line go above it (the first list returned);
/// comments that fit no line (a second `//` comment for a line) go after it (the second).
fn place<'a>(lines: &mut Vec<Line>, inside: Vec<Comment<'a>>) -> (Vec<&'a str>, Vec<&'a str>) {
    let mut after = Vec::new();
    if lines.len() == 1 {
        return (inside.into_iter().map(|c| c.text).collect(), after);
    }
    let mut before: Vec<Vec<&'a str>> = vec![Vec::new(); lines.len()];
    let mut ends: Vec<Vec<&'a str>> = vec![Vec::new(); lines.len()];
    for c in inside {
        if c.trailing {
            let i = (0..lines.len()).filter(|i| lines[*i].anchor <= c.at).max_by_key(|i| lines[*i].anchor).unwrap_or(0);
            ends[i].push(c.text);
        } else {
            let next = (0..lines.len()).filter(|i| lines[*i].anchor > c.at).min_by_key(|i| lines[*i].anchor);
            match next {
                Some(i) => before[i].push(c.text),
                // past the last item: before a closing brace, else after the declaration
                None if lines.last().is_some_and(|l| l.text == "}") => before[lines.len() - 1].push(c.text),
                None => after.push(c.text),
            }
        }
    }
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let last = lines.len() - 1;
    let closed_by_brace = lines.last().is_some_and(|l| l.text == "}");
    for (i, mut line) in std::mem::take(lines).into_iter().enumerate() {
        for c in before.get(i).into_iter().flatten() {
            out.push(Line {
                text: format!("{}{c}", line.indent),
                anchor: line.anchor,
                indent: line.indent,
                closed: true,
            });
        }
        let mut spill = Vec::new();
        for c in ends.get(i).into_iter().flatten() {
            append(&mut line, c, &mut spill);
        }
        let indent = if i == 0 { "  " } else { line.indent };
        out.push(line);
        if i == last && !closed_by_brace {
            after.extend(spill);
            continue;
        }
        for c in spill {
            out.push(Line { text: format!("{indent}{c}"), anchor: 0, indent, closed: true });
        }
    }
    *lines = out;
    (Vec::new(), after)
}

/// Where a claim's `(source)` text lies: it is kept verbatim, so `//` or `/*` in it are not
/// comments.
fn raw_text(d: &Decl, src: &str) -> Option<std::ops::Range<usize>> {
    let Decl::Claim(c) = d else { return None };
    let source = c.source.as_ref()?;
    let open = c.text_span.end() + src.get(c.text_span.end()..)?.find('(')?;
    Some(open..open + 1 + source.len() + 1)
}

/// Appends a comment to a line, or to `spill` if the line already ends in a `//` comment.
fn append<'a>(line: &mut Line, c: &'a str, spill: &mut Vec<&'a str>) {
    if line.closed {
        spill.push(c);
        return;
    }
    line.text.push_str("  ");
    line.text.push_str(c);
    line.closed = c.starts_with("//");
}

/// Prints a whole file canonically, keeping its comments: a comment at the end of a line of
/// code stays at the end of that line, a comment inside a declaration of several lines stays
/// inside it, and comments between declarations stay between them.
pub fn file(f: &File, sources: &SourceMap) -> String {
    let mut out = String::new();
    let mut prev_end: Option<usize> = None;
    let mut prev_tag: Option<u8> = None;
    let src = f.decls.first().and_then(|d| sources.get(d.span().source())).map(|s| s.text()).unwrap_or("");
    // the previous declaration's lines, kept open for a comment at the end of its last line
    let mut open: Vec<Line> = Vec::new();
    let mut carry: Vec<&str> = Vec::new();
    let flush = |out: &mut String, open: &mut Vec<Line>| {
        for l in open.drain(..) {
            out.push_str(&l.text);
            out.push('\n');
        }
    };
    for d in &f.decls {
        let span = d.span();
        let from = prev_end.unwrap_or(0);
        let gap = src.get(from..span.start()).unwrap_or("");
        let mut leading: Vec<&str> = std::mem::take(&mut carry);
        for c in comments_in(src, from, span.start()) {
            match open.last_mut() {
                Some(last) if c.trailing && leading.is_empty() => append(last, c.text, &mut leading),
                _ => leading.push(c.text),
            }
        }
        flush(&mut out, &mut open);
        let mut lines = layout(d);
        let mut inside = comments_in(src, span.start(), span.end());
        if let Some(raw) = raw_text(d, src) {
            inside.retain(|c| !raw.contains(&c.at)); // a claim's `(source)` is text, kept as written
        }
        let (above, below) = place(&mut lines, inside);
        leading.extend(above);
        let blank_before = gap.matches('\n').count() >= 2 || prev_tag.is_some_and(|t| t != kind_tag(d));
        if prev_tag.is_some() && (blank_before || !leading.is_empty()) {
            out.push('\n');
        }
        for c in leading {
            out.push_str(c);
            out.push('\n');
        }
        carry = below;
        open = lines;
        prev_end = Some(span.end());
        prev_tag = Some(kind_tag(d));
    }
    let from = prev_end.unwrap_or(0);
    let mut tail: Vec<&str> = std::mem::take(&mut carry);
    for c in comments_in(src, from, src.len()) {
        match open.last_mut() {
            Some(last) if c.trailing && tail.is_empty() => append(last, c.text, &mut tail),
            _ => tail.push(c.text),
        }
    }
    flush(&mut out, &mut open);
    if !tail.is_empty() {
        if !out.is_empty() {
            out.push('\n');
        }
        for c in tail {
            out.push_str(c);
            out.push('\n');
        }
    }
    out
}
