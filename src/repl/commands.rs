//! The REPL's commands: one list ([`COMMANDS`]) that `:help`, completion and docs/repl.md read.

/// One command: its name (without `:`), its arguments, a line of summary and its help.
#[derive(Debug, Clone, Copy)]
pub struct CommandSpec {
    pub name: &'static str,
    pub args: &'static str,
    pub summary: &'static str,
    pub help: &'static str,
}

/// Every command, in the order `:help` lists them.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "help",
        args: "[COMMAND]",
        summary: "this list, or one command's help",
        help: "`:help` lists the commands; `:help set` explains one. `help` works without the colon.",
    },
    CommandSpec {
        name: "load",
        args: "FILE",
        summary: "load a .aifin file (with its imports) next to what is loaded",
        help: "Adds FILE to the loaded files and checks everything together. On an error nothing \
               changes: the last good model stays.",
    },
    CommandSpec {
        name: "reload",
        args: "",
        summary: "re-read the loaded files, keep the overrides that still resolve",
        help: "Reads every loaded file again, then re-applies the declarations typed in and each \
               `:set` override; an override that no longer checks is dropped and named. Prints \
               what moved. On an error the last good model stays.",
    },
    CommandSpec {
        name: "type",
        args: "EXPR",
        summary: "the dimension, unit and shape of an expression",
        help: "Checks EXPR without printing its value: its shape (constant, series, flow, \
               balance), its dimension and, when it has a value, its unit.",
    },
    CommandSpec {
        name: "info",
        args: "NAME",
        summary: "a declaration: definition, unit, file:line, comment",
        help: "Shows where NAME is declared (file:line), its text, the comment above it and, for \
               a driver or curve, its type and any override.",
    },
    CommandSpec {
        name: "list",
        args: "[KIND]",
        summary: "the names declared, by kind",
        help: "KIND is entities, drivers, curves, contracts, flows, scenarios or units. Without it, \
               every kind but units (std declarations are left out).",
    },
    CommandSpec {
        name: "scenario",
        args: "[NAME]",
        summary: "show or switch the active scenario",
        help: "Without NAME, the active scenario and the others. With NAME, switches to it (the \
               overrides stay on top of it) and prints what moved.",
    },
    CommandSpec {
        name: "set",
        args: "NAME = EXPR",
        summary: "a what-if override (driver, curve, ENTITY.FIELD, CONTRACT.TERM), then what moved",
        help: "Overrides NAME in the active scenario, as a scenario override would, with the same \
               checks: a driver, a curve, an entity's field (`OpenAI.cash`) or a contract's term \
               (`cw_debt.principal`), the same dimension; EXPR cannot use NAME itself, which it \
               replaces. Prints the claims whose outcome \
               changed and the headline figures that moved, old -> new. A failed `:set` changes \
               nothing.",
    },
    CommandSpec {
        name: "unset",
        args: "NAME",
        summary: "remove an override, then what moved",
        help: "Removes the override of NAME; the model is as it was before the `:set`.",
    },
    CommandSpec {
        name: "overrides",
        args: "",
        summary: "the overrides in force",
        help: "Lists each `:set` override as `NAME = EXPR`, on top of the scenario it changes.",
    },
    CommandSpec {
        name: "reports",
        args: "",
        summary: "the reports and claims of the active scenario (as `aifin run`)",
        help: "Prints what `aifin run` prints for the active scenario, overrides included.",
    },
    CommandSpec {
        name: "claims",
        args: "",
        summary: "the claims table of the active scenario",
        help: "Each claim, whether it holds, and the model's value against the claimed one.",
    },
    CommandSpec {
        name: "defaults",
        args: "",
        summary: "who defaults, when, why, and the losses",
        help: "The defaults report of the active scenario, whether or not the program asks for it.",
    },
    CommandSpec {
        name: "explain",
        args: "EXPR [@ PERIOD]",
        summary: "how a value was computed, as a tree",
        help: "The explanation tree of EXPR (or `claim N`) in the active scenario at PERIOD \
               (default: the timeline's last), as `aifin explain` prints it: each value with \
               what it was computed from, its unit and where it is declared.",
    },
    CommandSpec {
        name: "solve",
        args: "NAME: EXPR == VALUE [between LOW..HIGH]",
        summary: "goal seek: the value of a driver at which EXPR reaches VALUE",
        help: "Bisection on the driver NAME in the active scenario, overrides included, exactly as \
               `aifin solve` does: each step runs the scenario with NAME set to the bracket's \
               midpoint. The bracket is LOW..HIGH (default: a tenth to ten times NAME's value in \
               effect, a `:set` included, which it prints as \"now\") and must hold a sign change of EXPR - VALUE, else nothing is found. Prints the \
               solution, the bracket reached and EXPR - VALUE there; nothing changes (`:set` it \
               to keep it).",
    },
    CommandSpec {
        name: "samples",
        args: "[N]",
        summary: "show or set how many samples `:dist` draws (default 1000)",
        help: "Sets the number of Monte Carlo samples of `:dist` (1 to 10,000,000), as `aifin \
               sample --samples N`. Without N, shows it and the seed.",
    },
    CommandSpec {
        name: "seed",
        args: "[S]",
        summary: "show or set the seed `:dist` draws with (default 1)",
        help: "Sets the seed of `:dist`, as `aifin sample --seed S`: sample i draws from ChaCha8 \
               seeded with S on stream i, so the same seed and N give the same figures.",
    },
    CommandSpec {
        name: "dist",
        args: "[EXPR]",
        summary: "Monte Carlo over the declared ranges: percentiles, claim probabilities",
        help: "Without EXPR, samples the active scenario as `aifin sample` does and prints what \
               it prints: each report item's mean and percentiles, the probability that each \
               claim holds, each entity's default probability, funding gap and losses. With \
               EXPR (one value: a constant, or `at(...)`, `annual(...)`, `total(...)`, \
               `funding_gap(...)` of the run), its point, mean and 5th, 25th, 50th, 75th and \
               95th percentiles; a run-dependent EXPR draws exactly as sample i of `aifin \
               sample` does. `:samples` and `:seed` set N and the seed.",
    },
    CommandSpec {
        name: "save",
        args: "FILE",
        summary: "write the session's declarations and overrides as a .aifin file",
        help: "Writes the loaded files as imports, every declaration typed in that succeeded and \
               the overrides as a scenario (`repl_whatif`), so `aifin run FILE --scenario \
               repl_whatif` reproduces the session. No commands, no failed lines. A loaded file \
               outside FILE's folder is imported by a relative path that `aifin run` refuses \
               unless widened: the saved file's first lines give the `--allow-import DIR` to \
               run it with.",
    },
    CommandSpec { name: "quit", args: "", summary: "leave (also `quit`, `exit`, Ctrl-D)", help: "Ends the session." },
];

/// The command named `name` (exactly, or by a unique prefix).
pub fn find(name: &str) -> Option<&'static CommandSpec> {
    if let Some(c) = COMMANDS.iter().find(|c| c.name == name) {
        return Some(c);
    }
    let mut hits = COMMANDS.iter().filter(|c| !name.is_empty() && c.name.starts_with(name));
    match (hits.next(), hits.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// `:help`: one line per command.
pub fn help_all() -> String {
    let mut out = String::from(
        "Type an expression to evaluate it in the active scenario, or a declaration (driver, curve,\n\
         entity, flow, contract, claim, report, unit…) to add it. `ans` is the last result.\n\
         Commands:\n",
    );
    let width = COMMANDS.iter().map(|c| c.name.len() + c.args.len() + 2).max().unwrap_or(0);
    for c in COMMANDS {
        let head = if c.args.is_empty() { format!(":{}", c.name) } else { format!(":{} {}", c.name, c.args) };
        out.push_str(&format!("  {head:<width$}  {}\n", c.summary));
    }
    out
}

/// `:help NAME`.
pub fn help_one(name: &str) -> Option<String> {
    let c = find(name.trim_start_matches(':'))?;
    let head = if c.args.is_empty() { format!(":{}", c.name) } else { format!(":{} {}", c.name, c.args) };
    Some(format!("{head}\n  {}\n", c.help))
}
