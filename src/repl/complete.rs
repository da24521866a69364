//! What a line editor needs from the REPL, without a terminal: when an input is incomplete
//! (the multi-line rule), what completes the word at the cursor (by context), and the hint
//! shown after a name. The rustyline front end (`crate::terminal`) only calls these.

use super::commands::COMMANDS;
use crate::check::ir::{Program, BUILTINS};
use crate::check::spec::{CONTRACTS, ENTITY_FIELDS};
use std::collections::BTreeMap;

/// Does `text` need another line? An open bracket or brace, an open string, or a trailing
/// operator continues; a command never does.
pub fn needs_more(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() || t.starts_with(':') {
        return false;
    }
    let mut depth: i64 = 0;
    let mut in_str = false;
    let mut chars = t.chars().peekable();
    let mut code = String::new();
    while let Some(c) = chars.next() {
        if in_str {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '/' if chars.peek() == Some(&'/') => {
                // a line comment: skip to the end of its line
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                code.push('\n');
                continue;
            }
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
        code.push(c);
    }
    if in_str || depth > 0 {
        return true;
    }
    let last = code.trim_end();
    ["+", "-", "*", "/", "^", "=", ",", ":", "..", "->", " in", "~"].iter().any(|op| last.ends_with(op))
}

/// The names a completion can offer, taken from a program once per input.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Drivers, curves, entities, flows (`E.flow`), contracts.
    pub names: Vec<String>,
    pub units: Vec<String>,
    pub functions: Vec<String>,
    pub scenarios: Vec<String>,
    /// Entity fields and contract terms.
    pub fields: Vec<String>,
    /// A name's type in words (a driver's dimension and shape), for the hint.
    pub hints: BTreeMap<String, String>,
}

impl Names {
    /// The names of `program` (scenario names without the REPL's own what-if scenario).
    pub fn of(program: &Program) -> Names {
        let reg = &program.registry;
        let mut n = Names::default();
        for d in &program.definitions {
            n.names.push(d.name.clone());
            n.hints.insert(d.name.clone(), d.value.ty.describe(reg));
        }
        for e in &program.entities {
            n.names.push(e.name.clone());
            n.hints.insert(e.name.clone(), "an entity".into());
        }
        for f in &program.flows {
            if let Some(e) = program.entities.get(f.entity) {
                n.names.push(format!("{}.{}", e.name, f.name));
            }
        }
        for c in &program.contracts {
            n.names.push(c.name.clone());
            n.hints.insert(c.name.clone(), format!("a {} contract", c.spec.kind));
        }
        n.units = reg.units().iter().map(|u| u.name.clone()).collect();
        n.functions = BUILTINS.iter().map(|b| b.name.to_string()).collect();
        n.scenarios = program.scenarios.iter().map(|s| s.name.clone()).filter(|s| s != super::WHATIF).collect();
        n.fields = ENTITY_FIELDS.iter().map(|f| f.name.to_string()).collect();
        for c in CONTRACTS {
            n.fields.extend(c.fields.iter().map(|f| f.name.to_string()));
        }
        for v in [&mut n.names, &mut n.units, &mut n.functions, &mut n.fields] {
            v.sort();
            v.dedup();
        }
        n
    }

    /// Completions of the word that ends at byte `pos` of `line`: where it starts and the
    /// candidates, sorted. After `:scenario` only scenarios; after `:help` only commands;
    /// a word starting with `:` completes to commands; after `:list` the kinds; after a
    /// number, units; elsewhere names, functions and units (and fields inside braces).
    pub fn complete(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let head = line.get(..pos).unwrap_or(line);
        let start = head
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '.' || *c == ':'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let word = head.get(start..).unwrap_or("");
        let before = head.get(..start).unwrap_or("").trim_end();
        let pick = |list: &[String]| -> Vec<String> { list.iter().filter(|n| n.starts_with(word)).cloned().collect() };
        let cmd = |c: &str| before == format!(":{c}") || before == c;
        let mut out: Vec<String> = if word.starts_with(':') && before.is_empty() {
            COMMANDS.iter().map(|c| format!(":{}", c.name)).filter(|c| c.starts_with(word)).collect()
        } else if cmd("scenario") {
            pick(&self.scenarios)
        } else if cmd("help") {
            COMMANDS.iter().map(|c| c.name.to_string()).filter(|c| c.starts_with(word)).collect()
        } else if cmd("list") {
            let kinds = ["entities", "drivers", "curves", "contracts", "flows", "scenarios", "units"];
            kinds.iter().map(|k| k.to_string()).filter(|k| k.starts_with(word)).collect()
        } else if before.chars().last().is_some_and(|c| c.is_ascii_digit()) {
            pick(&self.units)
        } else {
            let mut v = pick(&self.names);
            v.extend(pick(&self.functions));
            v.extend(pick(&self.units));
            if before.contains('{') {
                v.extend(pick(&self.fields));
            }
            v
        };
        out.sort();
        out.dedup();
        (start, out)
    }

    /// The hint after the word that ends the line: a name's type, when the word is a name.
    pub fn hint(&self, line: &str) -> Option<String> {
        let word = line.rsplit(|c: char| !(c.is_alphanumeric() || c == '_')).next()?;
        if word.is_empty() {
            return None;
        }
        self.hints.get(word).map(|h| format!("  : {h}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_follows_the_context() {
        let mut repl = crate::repl::Repl::new(crate::diagnostic::RenderStyle::Plain);
        assert!(!repl.start(&["examples/repl/cascade_whatif.aifin".into()], None).failed);
        let n = repl.names();
        assert_eq!(n.complete(":scen", 5), (0, vec![":scenario".to_string()]));
        assert_eq!(n.complete(":scenario c", 11), (10, vec!["calm".to_string()]));
        assert_eq!(n.complete(":scenario ", 10).1, vec!["calm".to_string(), "stress".to_string()]);
        assert_eq!(n.complete("2 * openai_c", 12), (4, vec!["openai_costs".to_string()]));
        assert_eq!(n.complete("OpenAI.comp", 11).1, vec!["OpenAI.compute_and_staff".to_string()]);
        let units = n.complete("15M US", 6).1;
        assert!(units.contains(&"USD".to_string()) && units.iter().all(|u| u.starts_with("US")), "{units:?}");
        assert!(!units.iter().any(|u| n.names.contains(u) || n.functions.contains(u)));
        assert_eq!(n.complete("run", 3).1, vec!["runway".to_string()]);
        assert_eq!(n.complete(":list con", 9).1, vec!["contracts".to_string()]);
        assert!(n.complete("entity X { min_c", 16).1.contains(&"min_cash".to_string()));
        // the Monte Carlo and goal-seek commands, and a driver to vary
        assert_eq!(n.complete(":so", 3).1, vec![":solve".to_string()]);
        assert_eq!(n.complete(":di", 3).1, vec![":dist".to_string()]);
        assert_eq!(n.complete(":sa", 3).1, vec![":samples".to_string(), ":save".to_string()]);
        assert_eq!(n.complete(":se", 3).1, vec![":seed".to_string(), ":set".to_string()]);
        assert_eq!(n.complete(":solve debt_r", 13), (7, vec!["debt_rate".to_string()]));
        assert_eq!(n.complete(":dist losses(Ba", 15).1, vec!["Banks".to_string()]);
        assert_eq!(n.hint("losses(CoreWeave"), Some("  : an entity".to_string()));
        assert_eq!(n.hint("debt_rate"), Some("  : a constant of 1/Time".to_string()));
    }

    #[test]
    fn open_brackets_and_trailing_operators_continue() {
        assert!(needs_more("entity X {"));
        assert!(needs_more("cagr(1 USD @ 2025,"));
        assert!(needs_more("1 +"));
        assert!(needs_more("driver x ="));
        assert!(!needs_more("entity X { cash 1 USD }"));
        assert!(!needs_more("2 + 2"));
        assert!(!needs_more(":set x = ("));
        assert!(!needs_more("\"a { b\""));
        assert!(!needs_more("1 + 1 // a comment {"));
    }
}
