//! `reesim check`: validate a scenario file (base, variants, sweep) without simulating.

use crate::Result;
use crate::scenario::ScenarioSource;
use std::path::PathBuf;

/// Arguments of `reesim check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
}

/// Validates the file and prints a one-line summary; errors go to the caller (exit code 2).
pub fn run(args: Args) -> Result<()> {
    let source = ScenarioSource::read(&args.scenario)?;
    let base = source.base()?;
    let variants = source.variants()?;
    let axes = source.sweep_axes()?;
    let mut text = format!(
        "{}: ok: \"{}\": {} circuit(s), {} variant(s), {} sweep axis(es)\n",
        source.file(),
        base.name,
        base.circuits.len(),
        variants.len(),
        axes.len()
    );
    // Everything the simulator relies on is checked by building each layout's plant: the
    // cascades solve, the specs are met at steady state, the restart curves exist.
    let flows = crate::study::products::ProductFlows::of(&base)?;
    for v in &variants {
        crate::study::products::ProductFlows::of(v)?;
    }
    for c in flows.built.spec.parts().circuits.iter() {
        text += &format!(
            "  circuit {}: {} train(s) x {} stages, design {:.4} t REO/h per train, hold-up {:.3} t REO per train\n",
            c.name,
            c.trains,
            c.sections.total(),
            c.design_rate,
            c.inventory_t
        );
        text += &format!("    restart: {}\n", restart_summary(&c.restart));
    }
    super::print_stdout(&text)
}

/// The restart transient in one line: the grid of stop lengths and the off-spec hours of each
/// outlet.
fn restart_summary(r: &crate::flow::RestartSpec) -> String {
    match r {
        crate::flow::RestartSpec::None => "none".into(),
        crate::flow::RestartSpec::Fixed(h) => format!("liquor diverted off-spec for {h} h"),
        crate::flow::RestartSpec::Curve(c) => {
            let points: Vec<String> = c
                .stops_h
                .iter()
                .zip(&c.off_h)
                .map(|(d, o)| format!("{d:.3} h -> A {:.2} h, B {:.2} h", o[0], o[1]))
                .collect();
            format!(
                "off-spec after a stop of (dynamic model): {}",
                points.join("; ")
            )
        }
    }
}
