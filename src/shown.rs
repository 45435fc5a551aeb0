//! Numbers in messages as a person would type them: plain, or in scientific notation when very
//! large or very small (`1e-300`, not 300 digits; `1e308`, not 309).

/// `x` for an error message: scientific notation outside 1e-4 ..< 1e6 in magnitude.
pub fn shown(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-4..1e6).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn extremes_in_scientific_notation_others_plain() {
        assert_eq!(shown(1e-300), "1e-300");
        assert_eq!(shown(-1.5e308), "-1.5e308");
        assert_eq!(shown(0.25), "0.25");
        assert_eq!(shown(123456.0), "123456");
        assert_eq!(shown(0.0), "0");
        assert_eq!(shown(f64::NAN), "NaN");
    }
}
