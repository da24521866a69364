//! The contract network of a run: entities as nodes, contracts as edges, drawn as SVG.
//!
//! **What an edge is.** One edge per contract and direction of payment: every ledger event
//! a contract caused adds its amount to the edge from its payer to its receiver (the outside
//! world is a node of its own when a contract pays it or is paid by it). What a defaulting
//! debtor left unpaid on a contract (the defaults' cause chains) marks the edge from that debtor
//! to its creditor, with the period the debtor defaulted in. A contract that moved no cash in
//! the window and left nothing unpaid is drawn thin and grey, without an arrow, between the
//! first two entities its terms name (in term-name order).
//!
//! **Layout (deterministic).** Nodes sit on a circle in declaration order, the first at the top,
//! going clockwise (the world last); edges are straight lines between the circles' rims, each
//! shifted sideways to its own right by 5 px plus 8 px for every earlier edge between the same
//! two nodes, so a payment and its repayment, or two contracts between the same pair, do not
//! overlap. An edge's width grows with the square root of its amount (its paid total, or its
//! unpaid one when larger) relative to the largest edge: 1 px to 8 px. An edge is labelled with
//! its number in the edge table beside the picture (and "unpaid from PERIOD" when it is), a
//! third of the way from the payer, on its right (the circle's middle is where edges cross). Unpaid edges are dashed and vermillion, defaulted
//! entities filled vermillion and labelled with their default period, so neither mark rests on
//! colour alone.
//!
//! Amounts are exact decimals here; they become `f64` only as drawing widths and as the
//! two-decimal labels on the picture (the HTML report's table beside it has the exact figures).

use crate::check::ids::Id;
use crate::eval::ledger::{Account, Origin};
use crate::eval::RunResult;
use crate::number;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A node: an entity, or the outside world.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Its name (`world` for the outside world).
    pub name: String,
    /// The period it defaulted in.
    pub defaulted: Option<String>,
}

/// An edge: what one contract paid, and left unpaid, in one direction.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    /// The contract.
    pub contract: String,
    /// The payer's node.
    pub from: usize,
    /// The receiver's node.
    pub to: usize,
    /// What it paid over the run, in the ledger currency.
    pub paid: Decimal,
    /// What fell due on it unpaid, and the period its debtor defaulted in.
    pub unpaid: Option<(Decimal, Option<String>)>,
    /// False for a contract that moved nothing: its direction is not known.
    pub directed: bool,
}

/// Entities and contracts of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    /// The nodes, in declaration order (the world last, when it is there).
    pub nodes: Vec<Node>,
    /// The edges, by contract in declaration order, then payer, then receiver.
    pub edges: Vec<Edge>,
    /// The ledger currency.
    pub currency: String,
}

/// The network of a finished run.
pub fn of_run(result: &RunResult) -> Result<Network, String> {
    let program = &*result.program;
    let n = program.entities.len();
    let mut nodes: Vec<Node> = program
        .entities
        .iter_enumerated()
        .map(|(e, x)| Node {
            name: x.name.clone(),
            defaulted: result.defaults.period_of.get(e).copied().flatten().map(|p| result.timeline.label(p)),
        })
        .collect();
    let world = n;
    let node = |a: Account| a.entity().map(|e| e.index()).filter(|e| *e < n).unwrap_or(world);
    // (contract, from, to) → (paid, unpaid, debtor's default period)
    type Acc = (Decimal, Option<Decimal>, Option<String>);
    let mut acc: BTreeMap<(usize, usize, usize), Acc> = BTreeMap::new();
    let overflow = |_| "the contract network's totals overflow".to_string();
    for ev in result.ledger.events() {
        let Origin::Contract(c) = ev.origin else { continue };
        let slot = acc.entry((c as usize, node(ev.from), node(ev.to))).or_insert((Decimal::ZERO, None, None));
        slot.0 = number::add(slot.0, ev.amount).map_err(overflow)?;
    }
    for r in &result.defaults.records {
        for cause in &r.causes {
            let slot = acc.entry((cause.contract.index(), cause.debtor.index(), r.entity.index())).or_insert((
                Decimal::ZERO,
                None,
                None,
            ));
            slot.1 = Some(number::add(slot.1.unwrap_or_default(), cause.unpaid).map_err(overflow)?);
            slot.2 = result.defaults.period_of.get(cause.debtor).copied().flatten().map(|p| result.timeline.label(p));
        }
    }
    let mut edges = Vec::new();
    for (c, contract) in program.contracts.iter().enumerate() {
        let mut any = false;
        for ((_, from, to), (paid, unpaid, period)) in acc.range((c, 0, 0)..=(c, usize::MAX, usize::MAX)) {
            any = true;
            edges.push(Edge {
                contract: contract.name.clone(),
                from: *from,
                to: *to,
                paid: *paid,
                unpaid: unpaid.map(|u| (u, period.clone())),
                directed: true,
            });
        }
        if !any {
            if let Some((a, b)) = contract.terms.parties() {
                edges.push(Edge {
                    contract: contract.name.clone(),
                    from: a.index(),
                    to: b.index(),
                    paid: Decimal::ZERO,
                    unpaid: None,
                    directed: false,
                });
            }
        }
    }
    if edges.iter().any(|e| e.from == world || e.to == world) {
        nodes.push(Node { name: "world".into(), defaulted: None });
    }
    let currency = result.program.registry.def(result.money).map(|d| d.name.clone()).unwrap_or_default();
    Ok(Network { nodes, edges, currency })
}

/// The width of the picture.
const WIDTH: u32 = 800;
/// Its height.
const HEIGHT: u32 = 600;
/// A node's radius.
const NODE: f64 = 12.0;

const PAID: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const UNPAID: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const IDLE: RGBColor = RGBColor(0x99, 0x99, 0x99);

/// Where each node sits: on a circle, the first at the top, clockwise.
pub fn layout(n: usize) -> Vec<(f64, f64)> {
    let (cx, cy) = (f64::from(WIDTH) / 2.0, 40.0 + (f64::from(HEIGHT) - 120.0) / 2.0);
    let r = 190.0;
    if n == 1 {
        return vec![(cx, cy)];
    }
    (0..n)
        .map(|i| {
            let a = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * (i as f64) / (n as f64);
            // libm's portable sine and cosine: the same bits, so the same bytes, on every machine
            (cx + r * libm::cos(a), cy + r * libm::sin(a))
        })
        .collect()
}

fn pt((x, y): (f64, f64)) -> (i32, i32) {
    (x.round() as i32, y.round() as i32)
}

/// An amount for a label: two decimals of thousands, millions, billions or trillions.
pub fn short(v: Decimal, currency: &str) -> String {
    let f = super::to_f64(v);
    format!("{} {currency}", super::chart::compact(f, super::chart::scale_for(f.abs())))
}

type Err = String;

fn err<E: std::fmt::Debug>(e: E) -> Err {
    format!("drawing failed: {e:?}")
}

/// Draws the network as an SVG document (without the accessibility header:
/// [`super::accessible`]).
pub fn draw(net: &Network, title: &str, caption: &str) -> Result<String, Err> {
    let pos = layout(net.nodes.len());
    let largest = net
        .edges
        .iter()
        .map(|e| super::to_f64(e.paid.max(e.unpaid.as_ref().map_or(Decimal::ZERO, |u| u.0))))
        .fold(0.0f64, f64::max);
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (WIDTH, HEIGHT)).into_drawing_area();
        let font = |size: i32, h: HPos, v: VPos| TextStyle::from(("sans-serif", size).into_font()).pos(Pos::new(h, v));
        root.draw(&Text::new(
            title.to_string(),
            (12, 17),
            TextStyle::from(("sans-serif", 20).into_font().style(FontStyle::Bold))
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(err)?;
        root.draw(&Text::new(caption.to_string(), (12, HEIGHT as i32 - 14), font(14, HPos::Left, VPos::Center)))
            .map_err(err)?;
        // legend
        let ly = HEIGHT as i32 - 62;
        root.draw(&PathElement::new(vec![(12, ly), (44, ly)], PAID.stroke_width(3))).map_err(err)?;
        root.draw(&Text::new("paid (width grows with the amount)", (52, ly), font(13, HPos::Left, VPos::Center)))
            .map_err(err)?;
        root.draw(&DashedPathElement::new(vec![(12, ly + 20), (44, ly + 20)], 6, 4, UNPAID.stroke_width(3)))
            .map_err(err)?;
        root.draw(&Text::new(
            "left unpaid (the debtor's default period)",
            (52, ly + 20),
            font(13, HPos::Left, VPos::Center),
        ))
        .map_err(err)?;
        root.draw(&Circle::new((420, ly), 7, UNPAID.filled())).map_err(err)?;
        root.draw(&Text::new("defaulted entity", (434, ly), font(13, HPos::Left, VPos::Center))).map_err(err)?;
        root.draw(&Circle::new((420, ly + 20), 7, PAID.filled())).map_err(err)?;
        root.draw(&Text::new("entity", (434, ly + 20), font(13, HPos::Left, VPos::Center))).map_err(err)?;
        // edges
        let mut slots: BTreeMap<(usize, usize), usize> = BTreeMap::new();
        for (k, e) in net.edges.iter().enumerate() {
            let (Some(&p), Some(&q)) = (pos.get(e.from), pos.get(e.to)) else { continue };
            if e.from == e.to {
                continue;
            }
            let slot = slots.entry((e.from.min(e.to), e.from.max(e.to))).or_insert(0);
            let offset = 5.0 + 8.0 * (*slot as f64);
            *slot += 1;
            let (dx, dy) = (q.0 - p.0, q.1 - p.1);
            let len = (dx * dx + dy * dy).sqrt().max(1.0);
            let (ux, uy) = (dx / len, dy / len);
            // the edge's right, in SVG's y-down coordinates
            let (nx, ny) = (-uy, ux);
            let at = |base: (f64, f64), along: f64, side: f64| {
                (base.0 + ux * along + nx * side, base.1 + uy * along + ny * side)
            };
            let start = at(p, NODE + 3.0, offset);
            let tip = at(q, -(NODE + 3.0), offset);
            let amount = super::to_f64(e.paid.max(e.unpaid.as_ref().map_or(Decimal::ZERO, |u| u.0)));
            let width = if largest > 0.0 { 1.0 + 7.0 * (amount / largest).sqrt() } else { 1.0 };
            let width = width.round().max(1.0) as u32;
            let end = if e.directed { at(q, -(NODE + 13.0), offset) } else { tip };
            let colour = if e.unpaid.is_some() {
                UNPAID
            } else if e.directed {
                PAID
            } else {
                IDLE
            };
            if e.unpaid.is_some() {
                root.draw(&DashedPathElement::new(vec![pt(start), pt(end)], 10, 5, colour.stroke_width(width)))
                    .map_err(err)?;
            } else {
                root.draw(&PathElement::new(vec![pt(start), pt(end)], colour.stroke_width(width))).map_err(err)?;
            }
            if e.directed {
                let head = 5.0 + f64::from(width);
                let base = at(q, -(NODE + 15.0), offset);
                let left = (base.0 + nx * head * 0.6, base.1 + ny * head * 0.6);
                let right = (base.0 - nx * head * 0.6, base.1 - ny * head * 0.6);
                root.draw(&Polygon::new(vec![pt(tip), pt(left), pt(right)], colour.filled())).map_err(err)?;
            }
            // the label sits a third of the way from the payer: the middle of a circle is where
            // edges cross
            let third = (p.0 + (q.0 - p.0) / 3.0, p.1 + (q.1 - p.1) / 3.0);
            let mid = at(third, 0.0, offset + 4.0 + f64::from(width) / 2.0);
            let h = if nx > 0.3 {
                HPos::Left
            } else if nx < -0.3 {
                HPos::Right
            } else {
                HPos::Center
            };
            let v = if ny > 0.3 {
                VPos::Top
            } else if ny < -0.3 {
                VPos::Bottom
            } else {
                VPos::Center
            };
            // the edge's number in the table beside the picture; an unpaid edge says from when
            let mut label = format!("{}", k + 1);
            if let Some((_, when)) = &e.unpaid {
                label.push_str(" unpaid");
                if let Some(w) = when {
                    label.push_str(&format!(" from {w}"));
                }
            }
            root.draw(&Text::new(
                label,
                pt(mid),
                TextStyle::from(("sans-serif", 13).into_font().style(FontStyle::Bold)).pos(Pos::new(h, v)),
            ))
            .map_err(err)?;
        }
        // nodes
        for (node, &(x, y)) in net.nodes.iter().zip(pos.iter()) {
            let colour = if node.defaulted.is_some() { UNPAID } else { PAID };
            root.draw(&Circle::new(pt((x, y)), NODE as u32, colour.filled())).map_err(err)?;
            let (cx, cy) = (f64::from(WIDTH) / 2.0, 40.0 + (f64::from(HEIGHT) - 120.0) / 2.0);
            let (dx, dy) = (x - cx, y - cy);
            let len = (dx * dx + dy * dy).sqrt();
            let (ux, uy) = if len > 0.0 { (dx / len, dy / len) } else { (0.0, -1.0) };
            let lab = (x + ux * (NODE + 8.0), y + uy * (NODE + 8.0));
            let h = if ux > 0.3 {
                HPos::Left
            } else if ux < -0.3 {
                HPos::Right
            } else {
                HPos::Center
            };
            let v = if uy > 0.3 { VPos::Top } else { VPos::Bottom };
            let text = match &node.defaulted {
                Some(p) => format!("{} (defaulted {p})", node.name),
                None => node.name.clone(),
            };
            root.draw(&Text::new(
                text,
                pt(lab),
                TextStyle::from(("sans-serif", 15).into_font().style(FontStyle::Bold)).pos(Pos::new(h, v)),
            ))
            .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(buf)
}

/// The network in words, for the picture's text alternative.
pub fn describe(net: &Network) -> String {
    let name = |i: usize| net.nodes.get(i).map(|n| n.name.as_str()).unwrap_or("?");
    let mut parts =
        vec![format!("{} entities and {} contract edges laid out on a circle.", net.nodes.len(), net.edges.len())];
    for n in &net.nodes {
        if let Some(p) = &n.defaulted {
            parts.push(format!("{} defaults in {p}.", n.name));
        }
    }
    for (k, e) in net.edges.iter().enumerate() {
        let mut s = if e.directed {
            format!(
                "Edge {}, {}: {} pays {} {}",
                k + 1,
                e.contract,
                name(e.from),
                name(e.to),
                short(e.paid, &net.currency)
            )
        } else {
            format!(
                "Edge {}, {}: between {} and {}, nothing paid in the window",
                k + 1,
                e.contract,
                name(e.from),
                name(e.to)
            )
        };
        if let Some((u, when)) = &e.unpaid {
            s.push_str(&format!(" and leaves {} unpaid", short(*u, &net.currency)));
            if let Some(w) = when {
                s.push_str(&format!(" (defaulted {w})"));
            }
        }
        s.push('.');
        parts.push(s);
    }
    parts.join(" ")
}
