//! The canonical printer behind `aifin fmt`: AST → text that parses back to the same AST.
//!
//! Layout: one declaration per line (bodies one item per line, two-space indent), a blank line
//! between declarations of different kinds, single spaces around binary operators, units
//! written compactly (`USD/day`, `W*hour`), numbers exactly as written. Parentheses are kept
//! where the source had them. Comments between declarations are kept where they are; a comment
//! inside a declaration is moved above it.

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
            if let Some(p) = &f.from {
                let _ = write!(s, " from {}", p.value);
            }
            if let Some(p) = &f.to {
                let _ = write!(s, " to {}", p.value);
            }
            if let Some(p) = &f.on {
                let _ = write!(s, " on {}", p.value);
            }
            if let Some(k) = &f.kind {
                let _ = write!(s, " as {}", k.name);
            }
            if let Some(l) = &f.life {
                let _ = write!(s, " life {}", expr(l));
            }
            if let Some(c) = &f.while_ {
                let _ = write!(s, " while {}", c.name);
            }
            if let Some(u) = &f.until {
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

/// Prints a whole file canonically, keeping its comments (see the module docs).
pub fn file(f: &File, sources: &SourceMap) -> String {
    let mut out = String::new();
    let mut prev_end: Option<usize> = None;
    let mut prev_tag: Option<u8> = None;
    let src = f.decls.first().and_then(|d| sources.get(d.span().source())).map(|s| s.text()).unwrap_or("");
    for d in &f.decls {
        let span = d.span();
        let gap = src.get(prev_end.unwrap_or(0)..span.start()).unwrap_or("");
        let gap_comments = comments(gap);
        let blank_before = gap.matches('\n').count() >= 2 || prev_tag.is_some_and(|t| t != kind_tag(d));
        if prev_tag.is_some() && (blank_before || !gap_comments.is_empty()) {
            out.push('\n');
        }
        for c in gap_comments {
            out.push_str(c);
            out.push('\n');
        }
        for c in comments(sources.slice(span)) {
            out.push_str(c);
            out.push('\n');
        }
        out.push_str(&decl(d));
        prev_end = Some(span.end());
        prev_tag = Some(kind_tag(d));
    }
    let tail = src.get(prev_end.unwrap_or(0)..).unwrap_or("");
    let tail_comments = comments(tail);
    if !tail_comments.is_empty() {
        if !out.is_empty() {
            out.push('\n');
        }
        for c in tail_comments {
            out.push_str(c);
            out.push('\n');
        }
    }
    out
}
