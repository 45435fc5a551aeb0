//! The look shared by every plot: sizes, fonts, colours, tick formatting, and rendering to an
//! SVG string with plotters' errors mapped to [`crate::Error`].
//!
//! Text is placed by plotters' built-in size estimate (no font files); SVG viewers render it in
//! their sans-serif font. Labels stay ASCII (the estimate counts bytes).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::Result;

/// The drawing area of one SVG.
pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// A drawing error (plotters' or ours), turned into [`crate::Error::Internal`] by [`render`].
#[derive(Debug)]
pub(crate) struct PlotError(String);

impl<E: std::error::Error> From<E> for PlotError {
    fn from(e: E) -> Self {
        PlotError(e.to_string())
    }
}

/// What drawing functions return.
pub(crate) type Draw = std::result::Result<(), PlotError>;

/// Font family of every text.
pub(crate) const FONT: &str = "sans-serif";

/// Title text.
pub(crate) fn title() -> TextStyle<'static> {
    (FONT, 24).into_font().style(FontStyle::Bold).color(&BLACK)
}

/// Panel captions.
pub(crate) fn caption() -> TextStyle<'static> {
    (FONT, 18).into_font().color(&BLACK)
}

/// Axis descriptions.
pub(crate) fn axis() -> TextStyle<'static> {
    (FONT, 16).into_font().color(&BLACK)
}

/// Tick labels and legends.
pub(crate) fn small() -> TextStyle<'static> {
    (FONT, 14).into_font().color(&BLACK)
}

/// Light grid lines.
pub(crate) const GRID: RGBColor = RGBColor(225, 225, 225);
/// Coarse grid lines.
pub(crate) const GRID_BOLD: RGBColor = RGBColor(200, 200, 200);

/// Okabe-Ito colours (distinguishable with colour-blindness), for lines and points.
pub(crate) const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
    RGBColor(240, 228, 66),
];

/// The `i`-th palette colour (cycling).
pub(crate) fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Draws the series legend of `chart` at `position` in the shared look (white, light border,
/// small text).
pub(crate) fn legend<'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, CT>,
    position: SeriesLabelPosition,
) -> Draw {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.9))
        .border_style(GRID_BOLD)
        .label_font(small())
        .draw()?;
    Ok(())
}

/// Renders one SVG of `size` (width, height) pixels: a white page that `draw` fills.
pub(crate) fn render(size: (u32, u32), draw: impl FnOnce(&Area) -> Draw) -> Result<String> {
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
        let drawn = root
            .fill(&WHITE)
            .map_err(PlotError::from)
            .and_then(|()| draw(&root))
            .and_then(|()| root.present().map_err(PlotError::from));
        drawn.map_err(|e| crate::Error::Internal(format!("SVG plot failed: {}", e.0)))?;
    }
    if text.contains("NaN") || text.contains("inf\"") {
        return Err(crate::Error::Internal(
            "SVG plot has a non-finite coordinate".into(),
        ));
    }
    Ok(text)
}

/// A readable tick label for `v` on an axis spanning `span` (same unit): as many decimals as
/// the tick spacing (about an eighth of the span) needs, no exponent, no "-0".
pub(crate) fn tick(v: f64, span: f64) -> String {
    let step = (span.abs() / 8.0).max(f64::MIN_POSITIVE);
    let decimals = (-step.log10().floor()).clamp(0.0, 6.0) as usize;
    let text = format!("{v:.decimals$}");
    if text
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        return format!("{:.decimals$}", 0.0);
    }
    thousands(&text)
}

/// "12345.6" -> "12,345.6" (integer part grouped by thousands).
fn thousands(text: &str) -> String {
    let (sign, rest) = text.strip_prefix('-').map_or(("", text), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    if int.len() <= 4 {
        return text.to_string();
    }
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// `[lo, hi]` widened by `below` and `above` times its span (at least 1 % of |hi| or 1, so
/// a flat range still has height).
pub(crate) fn padded(lo: f64, hi: f64, below: f64, above: f64) -> (f64, f64) {
    let span = (hi - lo).max(hi.abs() * 0.01).max(1e-12);
    (lo - below * span, hi + above * span)
}

/// A linear `f64` axis whose ticks are exactly `keys` (categories, train bands); plotters'
/// own key-point decorator loses the `f64` tick formatter.
#[derive(Debug, Clone)]
pub(crate) struct Keyed {
    range: std::ops::Range<f64>,
    keys: Vec<f64>,
}

impl Keyed {
    /// The axis over `range` with ticks at `keys`.
    pub(crate) fn new(range: std::ops::Range<f64>, keys: Vec<f64>) -> Self {
        Keyed { range, keys }
    }
}

impl Ranged for Keyed {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        let t = if span > 0.0 {
            (value - self.range.start) / span
        } else {
            0.5
        };
        limit.0 + (t * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<H: plotters::coord::ranged1d::KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.keys.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.range.clone()
    }
}

/// A column of line-legend entries (a short line in the colour, then its label) starting at
/// pixel `(x, y)` of `area`; for legends kept outside the plotting area.
pub(crate) fn legend_column(area: &Area, (x, y): (i32, i32), items: &[(String, RGBColor)]) -> Draw {
    let left = small().pos(Pos::new(HPos::Left, VPos::Center));
    for (i, (label, color)) in items.iter().enumerate() {
        let y = y + 24 * i as i32;
        area.draw(&PathElement::new(
            vec![(x, y), (x + 22, y)],
            color.stroke_width(3),
        ))?;
        area.draw(&Text::new(label.clone(), (x + 30, y), left.clone()))?;
    }
    Ok(())
}

/// Whether every value is finite.
pub(crate) fn all_finite(values: &[f64]) -> bool {
    values.iter().all(|v| v.is_finite())
}

/// A 95 % CI error bar at `x` around `mean` with half-width `ci95`, caps `cap` wide each side
/// (in x units).
pub(crate) fn ci_bar(
    x: f64,
    mean: f64,
    ci95: f64,
    cap: f64,
    color: RGBColor,
) -> plotters::element::PathElement<(f64, f64)> {
    let (lo, hi) = (mean - ci95, mean + ci95);
    plotters::element::PathElement::new(
        vec![
            (x - cap, lo),
            (x + cap, lo),
            (x, lo),
            (x, hi),
            (x - cap, hi),
            (x + cap, hi),
        ],
        color.stroke_width(2),
    )
}

#[cfg(test)]
mod tests {
    use super::{padded, tick};

    #[test]
    fn ticks_are_short_and_grouped() {
        assert_eq!(tick(1250.0, 100.0), "1250");
        assert_eq!(tick(12500.0, 1000.0), "12,500");
        assert_eq!(tick(0.3, 1.0), "0.3");
        assert_eq!(tick(-0.0001, 1.0), "0.0");
        assert_eq!(tick(3.0, 60.0), "3");
    }

    #[test]
    fn padding_keeps_flat_ranges_open() {
        let (lo, hi) = padded(5.0, 5.0, 0.1, 0.1);
        assert!(lo < 5.0 && hi > 5.0);
    }
}
