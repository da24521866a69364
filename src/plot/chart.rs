//! Time charts drawn with plotters' SVG backend: one panel per unit, all panels on one shared
//! time axis (the same periods, in the same columns); flows as stacked bars (inflows up,
//! outflows down), balances and other series as lines; the unit on each panel's y axis, a
//! legend per panel, the title above and the caption (scenario, source file) below.
//!
//! Values arrive here as `f64` drawing coordinates (converted from the run's exact decimals by
//! [`super::to_f64`]); nothing drawn here is read back as money. Tick labels are formatted by
//! [`compact`] from those coordinates with a fixed number of decimals, so the same input gives
//! the same bytes on every machine.

use super::{Kind, Plotted};
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The width of a chart, in SVG pixels.
pub const WIDTH: u32 = 800;
/// The height of one panel, without its legend.
const PANEL: u32 = 274;
/// Room for the title above the panels.
const TITLE: u32 = 34;
/// Room for the caption below them.
const CAPTION: u32 = 28;

/// The colours of series, in order (Okabe and Ito's palette, told apart with colour-blindness;
/// black is left out: the axes are black).
const PALETTE: [RGBColor; 7] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0xF0, 0xE4, 0x42),
];

/// A chart: series over the same periods.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Above the chart.
    pub title: String,
    /// Below it: the scenario and the source file.
    pub caption: String,
    /// The labels of the periods (the time axis).
    pub periods: Vec<String>,
    /// The time axis' description (`period (monthly)`).
    pub axis: String,
    /// The series, each with a value per period.
    pub series: Vec<Plotted>,
}

/// `text` cut to `max` characters with an ellipsis (the picture's `<title>` keeps it whole).
pub fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// The colour of the `i`th series.
pub fn colour(i: usize) -> RGBColor {
    PALETTE.get(i % PALETTE.len()).copied().unwrap_or(PALETTE[0])
}

/// `v` in thousands, millions, billions or trillions with at most two decimals (`1.5B`), as
/// tick labels show it; `divisor` and `suffix` come from [`scale_for`].
pub fn compact(v: f64, (divisor, suffix): (f64, &str)) -> String {
    let x = v / divisor;
    let mut s = format!("{x:.2}");
    // a zero has no magnitude: `0`, not `0B`
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "0" || s == "-0" {
        return "0".into();
    }
    format!("{s}{suffix}")
}

/// The divisor and suffix for numbers up to `max` in absolute value.
pub fn scale_for(max: f64) -> (f64, &'static str) {
    [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")].into_iter().find(|(d, _)| max >= *d).unwrap_or((1.0, ""))
}

/// The coordinate a series is drawn at in period `i` (an outflow's bars go below the axis).
fn drawn(s: &Plotted, i: usize) -> f64 {
    let v = s.values.get(i).copied().unwrap_or(0.0);
    if s.down {
        -v
    } else {
        v
    }
}

/// One panel's series: those of one unit, in the chart's order, with their colours.
struct Panel<'c> {
    unit: &'c str,
    series: Vec<(usize, &'c Plotted)>,
}

fn panels(c: &Chart) -> Vec<Panel<'_>> {
    let mut out: Vec<Panel<'_>> = Vec::new();
    for (i, s) in c.series.iter().enumerate() {
        match out.iter_mut().find(|p| p.unit == s.unit) {
            Some(p) => p.series.push((i, s)),
            None => out.push(Panel { unit: &s.unit, series: vec![(i, s)] }),
        }
    }
    out
}

/// The lowest and highest value a panel draws: lines, and the tops and bottoms of stacked bars
/// (inflows stack up from zero, outflows down), always with zero in view.
fn extent(p: &Panel<'_>, n: usize) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for i in 0..n {
        let (mut up, mut down) = (0.0, 0.0);
        for (_, s) in &p.series {
            let v = drawn(s, i);
            match s.kind {
                Kind::Line => {
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
                Kind::Fan => {
                    for b in s.band.iter().flatten() {
                        let x = b.get(i).copied().unwrap_or(0.0);
                        lo = lo.min(x);
                        hi = hi.max(x);
                    }
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
                Kind::Bar if v >= 0.0 => up += v,
                Kind::Bar => down += v,
            }
        }
        lo = lo.min(down);
        hi = hi.max(up);
    }
    if hi - lo <= 0.0 {
        return (lo - 1.0, hi + 1.0);
    }
    let pad = (hi - lo) * 0.06;
    (if lo < 0.0 { lo - pad } else { lo }, if hi > 0.0 { hi + pad } else { hi })
}

type Err = String;

fn err<E: std::fmt::Debug>(e: E) -> Err {
    format!("drawing failed: {e:?}")
}

/// Draws `c` as an SVG document (without the accessibility header: [`super::accessible`]).
pub fn draw(c: &Chart) -> Result<String, Err> {
    let ps = panels(c);
    let heights: Vec<u32> = ps.iter().map(|p| PANEL + legend_height(p)).collect();
    let body_height = heights.iter().sum::<u32>().max(PANEL);
    let height = TITLE + CAPTION + body_height;
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (WIDTH, height)).into_drawing_area();
        let (top, rest) = root.split_vertically(TITLE);
        let (body, bottom) = rest.split_vertically(body_height);
        top.draw(&Text::new(
            fit(&c.title, 76),
            (12, TITLE as i32 / 2),
            TextStyle::from(("sans-serif", 20).into_font().style(FontStyle::Bold))
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(err)?;
        bottom
            .draw(&Text::new(
                c.caption.clone(),
                (12, CAPTION as i32 / 2),
                TextStyle::from(("sans-serif", 14).into_font()).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(err)?;
        let mut below = body;
        for (k, (p, h)) in ps.iter().zip(&heights).enumerate() {
            let (area, rest) = below.split_vertically(*h);
            let last = k + 1 == ps.len();
            panel(p, &area, &c.periods, if last { Some(c.axis.as_str()) } else { None })?;
            below = rest;
        }
        root.present().map_err(err)?;
    }
    Ok(buf)
}

fn panel<DB: DrawingBackend>(
    p: &Panel<'_>,
    area: &DrawingArea<DB, plotters::coord::Shift>,
    periods: &[String],
    time_axis: Option<&str>,
) -> Result<(), Err>
where
    DB::ErrorType: 'static,
{
    let with_time_labels = time_axis.is_some();
    let (strip, area) = area.split_vertically(legend_height(p));
    legend(p, &strip)?;
    let n = periods.len().max(1);
    let (lo, hi) = extent(p, periods.len());
    let scale = scale_for(lo.abs().max(hi.abs()));
    let mut chart = ChartBuilder::on(&area)
        .margin_left(12)
        .margin_right(24)
        .margin_top(8)
        .x_label_area_size(if with_time_labels { 48 } else { 8 })
        .y_label_area_size(84)
        .build_cartesian_2d((0..n - 1).into_segmented(), lo..hi)
        .map_err(err)?;
    // only the lowest panel writes the periods under its axis; the others share its columns
    let label_of = |v: &SegmentValue<usize>| match v {
        SegmentValue::CenterOf(i) if with_time_labels => periods.get(*i).cloned().unwrap_or_default(),
        _ => String::new(),
    };
    let tick = |v: &f64| compact(*v, scale);
    let unit = if p.unit.is_empty() { "(no unit)".to_string() } else { p.unit.to_string() };
    let mut mesh = chart.configure_mesh();
    mesh.disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .x_labels(periods.len().clamp(1, 12))
        .x_label_formatter(&label_of)
        .y_labels(6)
        .y_label_formatter(&tick)
        .y_desc(unit)
        .x_desc(time_axis.unwrap_or(""))
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 14));
    mesh.draw().map_err(err)?;
    // stacked bars: each period's inflows stack up from zero, its outflows down
    let mut up = vec![0.0f64; periods.len()];
    let mut down = vec![0.0f64; periods.len()];
    for (ci, s) in p.series.iter().filter(|(_, s)| s.kind == Kind::Bar) {
        let colour = colour(*ci);
        let mut bars = Vec::new();
        for i in 0..periods.len().min(s.values.len()) {
            let v = drawn(s, i);
            let (Some(u), Some(d)) = (up.get_mut(i), down.get_mut(i)) else { continue };
            let base = if v >= 0.0 { u } else { d };
            let (y0, y1) = (*base, *base + v);
            *base = y1;
            let mut r = Rectangle::new(
                [(SegmentValue::Exact(i), y0), (SegmentValue::Exact(i + 1), y1)],
                colour.mix(0.85).filled(),
            );
            r.set_margin(0, 0, 3, 3);
            bars.push(r);
        }
        chart.draw_series(bars).map_err(err)?;
    }
    // fans: the p5–p95 band light, the p25–p75 band darker, the median a line
    for (ci, s) in p.series.iter().filter(|(_, s)| s.kind == Kind::Fan) {
        let colour = colour(*ci);
        if let Some([p5, p25, p75, p95]) = &s.band {
            for (low, high, alpha) in [(p5, p95, 0.22), (p25, p75, 0.45)] {
                let mut outline: Vec<(SegmentValue<usize>, f64)> =
                    low.iter().enumerate().map(|(i, v)| (SegmentValue::CenterOf(i), *v)).collect();
                outline.extend(high.iter().enumerate().rev().map(|(i, v)| (SegmentValue::CenterOf(i), *v)));
                chart.draw_series(std::iter::once(Polygon::new(outline, colour.mix(alpha).filled()))).map_err(err)?;
            }
        }
        let points: Vec<(SegmentValue<usize>, f64)> =
            s.values.iter().enumerate().map(|(i, v)| (SegmentValue::CenterOf(i), *v)).collect();
        chart.draw_series(LineSeries::new(points, colour.stroke_width(3))).map_err(err)?;
    }
    for (ci, s) in p.series.iter().filter(|(_, s)| s.kind == Kind::Line) {
        let colour = colour(*ci);
        let points: Vec<(SegmentValue<usize>, f64)> =
            s.values.iter().enumerate().map(|(i, v)| (SegmentValue::CenterOf(i), *v)).collect();
        chart.draw_series(LineSeries::new(points, colour.stroke_width(3))).map_err(err)?;
    }
    Ok(())
}

/// The height of one row of a legend.
const LEGEND_ROW: u32 = 20;

/// A series' legend entry: its label, and where it sits (row, x).
fn legend_layout(p: &Panel<'_>) -> Vec<(String, u32, i32)> {
    let (mut row, mut x) = (0u32, 96i32);
    let mut out = Vec::new();
    for (_, s) in &p.series {
        let label = match (s.kind, s.down) {
            (Kind::Bar, false) => format!("{} (bars)", s.label),
            (Kind::Bar, true) => format!("{} (bars, drawn down)", s.label),
            (Kind::Line, _) => s.label.clone(),
            (Kind::Fan, _) => format!("{} (median; bands p25–p75, p5–p95)", s.label),
        };
        // 14 px text is about 6.5 px a character (plotters' own estimate without fonts)
        let width = 24 + (label.chars().count() as i32) * 13 / 2 + 18;
        if x > 96 && x + width > WIDTH as i32 - 12 {
            row += 1;
            x = 96;
        }
        out.push((label, row, x));
        x += width;
    }
    out
}

/// The height of a panel's legend strip.
fn legend_height(p: &Panel<'_>) -> u32 {
    let rows = legend_layout(p).iter().map(|(_, r, _)| r + 1).max().unwrap_or(1);
    6 + LEGEND_ROW * rows
}

/// A panel's legend, in a strip above it (so it never covers a value): a swatch and the label
/// of each series, left to right, wrapping before the right edge (bars as a square, lines as a
/// stroke); text widths are estimated from the font size, as plotters does without fonts.
fn legend<DB: DrawingBackend>(p: &Panel<'_>, strip: &DrawingArea<DB, plotters::coord::Shift>) -> Result<(), Err>
where
    DB::ErrorType: 'static,
{
    for ((ci, s), (label, row, x)) in p.series.iter().zip(legend_layout(p)) {
        let colour = colour(*ci);
        let y = (3 + LEGEND_ROW * row + LEGEND_ROW / 2) as i32;
        match s.kind {
            Kind::Bar => strip.draw(&Rectangle::new([(x, y - 6), (x + 14, y + 6)], colour.filled())).map_err(err)?,
            Kind::Fan => {
                strip.draw(&Rectangle::new([(x, y - 7), (x + 18, y + 7)], colour.mix(0.22).filled())).map_err(err)?;
                strip.draw(&Rectangle::new([(x, y - 4), (x + 18, y + 4)], colour.mix(0.45).filled())).map_err(err)?;
                strip.draw(&PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(3))).map_err(err)?
            }
            Kind::Line => {
                strip.draw(&PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(3))).map_err(err)?
            }
        }
        strip
            .draw(&Text::new(
                label,
                (x + 24, y),
                TextStyle::from(("sans-serif", 14).into_font()).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_labels() {
        assert_eq!(compact(1.5e9, scale_for(3e9)), "1.5B");
        assert_eq!(compact(-1e9, scale_for(3e9)), "-1B");
        assert_eq!(compact(0.0, scale_for(3e9)), "0");
        assert_eq!(compact(12.345, scale_for(20.0)), "12.35");
        assert_eq!(compact(2500.0, scale_for(5000.0)), "2.5k");
    }
}
