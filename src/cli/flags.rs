//! Flag values shared by several subcommands: durations with units and bounded numbers.
//!
//! A duration flag takes a number with a unit, as scenario files do ("8 h", "25 min", "3 d");
//! a bare number keeps the flag's own unit, named in its help text.

use crate::scenario::Duration;

/// Largest seed a scenario file can hold (a TOML integer is an i64): 2^63 - 1.
pub const MAX_SEED: u64 = i64::MAX as u64;

/// A duration in hours; a bare number is hours.
pub fn hours(text: &str) -> Result<f64, String> {
    in_unit(text, 1.0, "h")
}

/// A duration in minutes; a bare number is minutes.
pub fn minutes(text: &str) -> Result<f64, String> {
    in_unit(text, 1.0 / 60.0, "min")
}

/// A duration in days; a bare number is days.
pub fn days(text: &str) -> Result<f64, String> {
    in_unit(text, 24.0, "d")
}

/// `text` as a duration in the unit that is `unit_h` hours long (bare numbers are in it).
fn in_unit(text: &str, unit_h: f64, unit: &str) -> Result<f64, String> {
    let hours = match text.trim().parse::<f64>() {
        Ok(bare) => Duration::from_hours(bare * unit_h),
        Err(_) => Duration::parse(text),
    }
    .map_err(|e| format!("{e} (a bare number is in {unit})"))?;
    Ok(hours.hours() / unit_h)
}

/// A fraction that must be finite and >= 0 (a tolerance or an exchange share).
pub fn non_negative(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
        _ => Err(format!("`{text}` is not a number >= 0")),
    }
}

/// A root seed in 0..=2^63-1, the range a scenario file's `simulation.seed` can hold.
pub fn seed(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(s) if s <= MAX_SEED => Ok(s),
        _ => Err(format!(
            "`{text}` is not a seed: expected an integer in 0..={MAX_SEED} (2^63 - 1, the largest \
             a scenario file's simulation.seed can hold)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_numbers_keep_the_flags_unit_and_units_convert() {
        assert_eq!(hours("8").unwrap(), 8.0);
        assert_eq!(hours("8 h").unwrap(), 8.0);
        assert_eq!(hours("90 min").unwrap(), 1.5);
        assert_eq!(minutes("25").unwrap(), 25.0);
        assert!((minutes("0.5 h").unwrap() - 30.0).abs() < 1e-12);
        assert_eq!(days("2 wk").unwrap(), 14.0);
        assert_eq!(days("365").unwrap(), 365.0);
    }

    #[test]
    fn bad_durations_name_the_bare_unit() {
        for bad in ["-1", "8 parsecs", "nan", "inf h", ""] {
            let e = hours(bad).unwrap_err();
            assert!(e.contains("a bare number is in h"), "{bad}: {e}");
        }
    }

    #[test]
    fn seeds_stop_at_the_largest_toml_integer() {
        assert_eq!(seed("9223372036854775807").unwrap(), MAX_SEED);
        assert!(seed("9223372036854775808").is_err());
        assert!(seed("-1").is_err());
    }
}
