//! `reesim cascade`: solve every circuit's steady-state SX cascade in a scenario.

use super::Format;
use crate::report::cascade;
use crate::scenario::ScenarioSource;
use crate::{Error, Result};
use std::path::PathBuf;

/// Arguments of `reesim cascade`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file (TOML); every circuit with a `[circuit.separation]` table is solved.
    pub scenario: PathBuf,
    /// Output format (csv is not offered for stage profiles).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Runs `reesim cascade`.
pub fn run(args: Args) -> Result<()> {
    let source = ScenarioSource::read(&args.scenario)?;
    let scenario = source.base()?;
    let mut tables = Vec::new();
    let mut values = Vec::new();
    for circuit in &scenario.circuits {
        let Some(sep) = &circuit.separation else {
            continue;
        };
        let name = &circuit.spec.name;
        let solution = sep
            .solve()
            .map_err(|e| Error::Input(format!("{}: circuit \"{name}\": {e}", source.file())))?;
        tables.push(cascade::to_table(name, &solution));
        values.push(cascade::to_json(name, &solution));
    }
    if values.is_empty() {
        return Err(Error::Input(format!(
            "{}: no circuit has a [circuit.separation] table to solve",
            source.file()
        )));
    }
    let text = match args.format {
        Format::Json => {
            let doc = serde_json::json!({ "scenario": scenario.name, "circuits": values });
            serde_json::to_string_pretty(&doc).map_err(|e| Error::Internal(e.to_string()))? + "\n"
        }
        Format::Table => tables.join("\n"),
        Format::Csv => {
            return Err(Error::Input(
                "--format csv is not available for `cascade`; use table or json".into(),
            ));
        }
    };
    super::print_stdout(&text)
}
