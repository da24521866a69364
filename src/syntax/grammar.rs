//! The pest parser generated from `grammar/aifin.pest`.

/// The generated parser; its `Rule` enum names every non-silent rule of the grammar.
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/aifin.pest"]
pub struct AifinParser;

/// True for keyword tokens, which carry no information of their own in the AST.
pub fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_import
            | Rule::kw_scenario
            | Rule::kw_extends
            | Rule::kw_entity
            | Rule::kw_driver
            | Rule::kw_curve
            | Rule::kw_every
            | Rule::kw_flow
            | Rule::kw_contract
            | Rule::kw_claim
            | Rule::kw_report
            | Rule::kw_unit
            | Rule::kw_dimension
            | Rule::kw_currency
            | Rule::kw_exchange
            | Rule::kw_in
            | Rule::kw_within
            | Rule::kw_expect
            | Rule::kw_fail
            | Rule::kw_timeline
            | Rule::kw_rounding
            | Rule::kw_minor
            | Rule::kw_from
            | Rule::kw_to
            | Rule::kw_on
            | Rule::kw_as
            | Rule::kw_life
            | Rule::kw_while
            | Rule::kw_until
            | Rule::EOI
    )
}

/// A rule in words, for "expected …" messages.
pub fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "end of input",
        Rule::name | Rule::arg_name => "a name",
        Rule::unit_name | Rule::unit_ref | Rule::unit_expr => "a unit",
        Rule::quantity => "a number",
        Rule::integer => "a whole number",
        Rule::string | Rule::string_inner => "a string",
        Rule::date_lit => "a date (2025-01-31)",
        Rule::month_lit => "a month (2025-01)",
        Rule::quarter_lit => "a quarter (2025-Q1)",
        Rule::half_lit => "a half year (2025-H1)",
        Rule::year_lit => "a year (2025)",
        Rule::expr | Rule::arith | Rule::postfix_expr | Rule::paren => "an expression",
        Rule::range_tail => "`..`",
        Rule::range_point => "`~`",
        Rule::conversion => "`in`",
        Rule::infix | Rule::neg => "an operator",
        Rule::unit_op => "`*` or `/`",
        Rule::unit_power => "`^`",
        Rule::member => "`.`",
        Rule::call_args => "`(`",
        Rule::arg => "an argument",
        Rule::anchor => "`@`",
        Rule::import_decl => "`import`",
        Rule::scenario_decl => "`scenario`",
        Rule::entity_decl => "`entity`",
        Rule::driver_decl => "`driver`",
        Rule::curve_decl => "`curve`",
        Rule::flow_decl => "`flow`",
        Rule::contract_decl => "`contract`",
        Rule::claim_decl => "`claim`",
        Rule::report_decl => "`report`",
        Rule::unit_decl => "`unit`",
        Rule::dimension_decl => "`dimension`",
        Rule::currency_decl => "`currency`",
        Rule::exchange_decl => "`exchange`",
        Rule::timeline => "`timeline`",
        Rule::step => "a step (daily, monthly, quarterly, yearly)",
        Rule::currency_setting => "`currency`",
        Rule::rounding_setting => "`rounding`",
        Rule::override_item => "an override (`name = value`)",
        Rule::field => "a field (`name value`)",
        Rule::type_annotation => "`:`",
        Rule::direction => "`<-` or `->`",
        Rule::from_clause => "`from`",
        Rule::to_clause => "`to`",
        Rule::on_clause => "`on`",
        Rule::as_clause => "`as`",
        Rule::life_clause => "`life`",
        Rule::while_clause => "`while`",
        Rule::until_clause => "`until`",
        Rule::claim_source => "a source in parentheses",
        Rule::source_text => "a source",
        Rule::expect_fail => "`expect fail`",
        Rule::approx_test => "`~=`",
        Rule::tolerance => "a tolerance",
        Rule::relative => "`relative`",
        Rule::compare_test | Rule::compare_op => "a comparison (>=, <=, >, <, ==)",
        Rule::between_test => "`in`",
        Rule::report_item => "a report item",
        Rule::dim_expr | Rule::dim_factor => "a dimension",
        Rule::unit_stop => "a keyword",
        Rule::file | Rule::decl_piece => "a declaration",
        Rule::expr_input => "an expression",
        Rule::kw_import => "`import`",
        Rule::kw_scenario => "`scenario`",
        Rule::kw_extends => "`extends`",
        Rule::kw_entity => "`entity`",
        Rule::kw_driver => "`driver`",
        Rule::kw_curve => "`curve`",
        Rule::kw_flow => "`flow`",
        Rule::kw_contract => "`contract`",
        Rule::kw_claim => "`claim`",
        Rule::kw_report => "`report`",
        Rule::kw_unit => "`unit`",
        Rule::kw_dimension => "`dimension`",
        Rule::kw_currency => "`currency`",
        Rule::kw_exchange => "`exchange`",
        Rule::kw_in => "`in`",
        Rule::kw_within => "`within`",
        Rule::kw_expect => "`expect`",
        Rule::kw_fail => "`fail`",
        Rule::kw_timeline => "`timeline`",
        Rule::kw_rounding => "`rounding`",
        Rule::kw_minor => "`minor`",
        Rule::kw_from => "`from`",
        Rule::kw_to => "`to`",
        Rule::kw_on => "`on`",
        Rule::kw_as => "`as`",
        Rule::kw_life => "`life`",
        Rule::kw_while => "`while`",
        Rule::kw_until => "`until`",
        _ => "a declaration",
    }
}

/// The keywords that start a declaration (error recovery splits files at them).
pub const DECLARATION_KEYWORDS: &[&str] = &[
    "import",
    "scenario",
    "entity",
    "driver",
    "curve",
    "flow",
    "contract",
    "claim",
    "report",
    "unit",
    "dimension",
    "currency",
    "exchange",
];

/// The other words that can never name a declaration.
const OTHER_RESERVED: &[&str] = &["extends", "in", "within", "relative", "expect", "while", "until"];

/// True for a word that can never name a declaration.
pub fn is_reserved(word: &str) -> bool {
    DECLARATION_KEYWORDS.contains(&word) || OTHER_RESERVED.contains(&word)
}
