//! The invariants of a [`PlantSpec`](super::PlantSpec): everything the model relies on.

use super::spec::*;
use crate::engine::DistSpec;

fn err(part: impl Into<String>, problem: impl Into<String>) -> SpecError {
    SpecError {
        part: part.into(),
        problem: problem.into(),
    }
}

fn positive(part: &str, v: f64) -> Result<(), SpecError> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(err(part, format!("{v} must be a finite number > 0")))
    }
}

fn fraction(part: &str, v: f64) -> Result<(), SpecError> {
    if (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(err(part, format!("{v} must be in 0 ..= 1")))
    }
}

fn dist(part: &str, d: &DistSpec) -> Result<(), SpecError> {
    d.validate().map_err(|e| err(part, e.to_string()))?;
    if d.mean() > 0.0 && d.mean().is_finite() {
        Ok(())
    } else {
        Err(err(
            part,
            format!("mean {} must be > 0 and finite", d.mean()),
        ))
    }
}

fn composition(part: &str, c: &[f64], elements: usize) -> Result<(), SpecError> {
    if c.len() != elements {
        return Err(err(
            part,
            format!("{} fractions for {elements} elements", c.len()),
        ));
    }
    for v in c {
        fraction(part, *v)?;
    }
    let sum: f64 = c.iter().sum();
    if (sum - 1.0).abs() > 1e-6 {
        return Err(err(part, format!("fractions sum to {sum}, not 1")));
    }
    Ok(())
}

/// Checks every invariant except acyclicity (see [`topological`]).
pub(super) fn check(p: &PlantParts) -> Result<(), SpecError> {
    positive("horizon", p.horizon_h)?;
    if !(p.warmup_h >= 0.0 && p.warmup_h < p.horizon_h) {
        return Err(err(
            "warmup",
            format!("{} must be in [0, horizon {})", p.warmup_h, p.horizon_h),
        ));
    }
    let e = p.elements.len();
    if e == 0 {
        return Err(err("elements", "at least one tracked element"));
    }
    positive("feed.rate", p.feed.rate)?;
    composition("feed.composition", &p.feed.composition, e)?;
    if let Some(c) = p.feed.tank_capacity {
        positive("feed.tank_capacity", c)?;
    }
    if let Some(o) = &p.feed.outage {
        dist("feed.failure.time_to_failure", &o.time_to_failure)?;
        dist("feed.failure.time_to_repair", &o.time_to_repair)?;
    }
    for t in &p.tanks {
        if let Some(c) = t.capacity {
            positive(&format!("tank \"{}\".capacity", t.name), c)?;
        }
    }
    for pr in &p.products {
        positive(&format!("product \"{}\".batch", pr.name), pr.batch_t)?;
        if let Some(m) = pr.min_purity {
            fraction(&format!("product \"{}\".min_purity", pr.name), m)?;
        }
    }
    let mut fed = vec![false; p.tanks.len() + 1];
    for c in &p.circuits {
        circuit(p, c)?;
        let slot = match c.source {
            Source::Feed => 0,
            Source::Tank(t) => t + 1,
        };
        if std::mem::replace(&mut fed[slot], true) {
            return Err(err(
                format!("circuit \"{}\".feed_from", c.name),
                "each source feeds one circuit only",
            ));
        }
    }
    lines(p)?;
    if let Some(f) = &p.finishing {
        if f.capacity == 0 {
            return Err(err("finishing.capacity", "must be >= 1"));
        }
        dist("finishing.residence", &f.residence)?;
    }
    Ok(())
}

fn circuit(p: &PlantParts, c: &CircuitSpec) -> Result<(), SpecError> {
    let at = |field: &str| format!("circuit \"{}\".{field}", c.name);
    let e = p.elements.len();
    if c.trains == 0 {
        return Err(err(at("trains"), "must be >= 1"));
    }
    positive(&at("design_rate"), c.design_rate)?;
    positive(&at("max_rate"), c.max_rate)?;
    if !(c.min_rate >= 0.0 && c.min_rate <= 1.0 && c.min_rate <= c.max_rate) {
        return Err(err(
            at("min_rate"),
            format!("{} must be in 0 ..= min(1, max_rate)", c.min_rate),
        ));
    }
    if let Source::Tank(t) = c.source {
        if t >= p.tanks.len() {
            return Err(err(at("feed_from"), format!("no tank {t}")));
        }
    }
    for o in c.outlets {
        let missing = match o {
            Outlet::Tank(t) => (t >= p.tanks.len()).then(|| format!("tank {t} does not exist")),
            Outlet::Product(s) => {
                (s >= p.products.len()).then(|| format!("product {s} does not exist"))
            }
        };
        if let Some(missing) = missing {
            return Err(err(at("products"), missing));
        }
    }
    if c.split_to_a.len() != e {
        return Err(err(at("split_to_a"), "one fraction per element"));
    }
    for s in &c.split_to_a {
        fraction(&at("split_to_a"), *s)?;
    }
    composition(&at("design_composition"), &c.design_composition, e)?;
    if !(c.inventory_t.is_finite() && c.inventory_t >= 0.0) {
        return Err(err(
            at("inventory"),
            format!("{} must be >= 0", c.inventory_t),
        ));
    }
    for v in c.purity.design {
        fraction(&at("purity"), v)?;
    }
    for section in &c.purity.bypass {
        for v in section.iter().flatten() {
            fraction(&at("purity.bypass"), *v)?;
        }
    }
    for f in &c.failures {
        failure(c, f)?;
    }
    if let Crews::Pool(i) = c.crews {
        if i >= p.crew_pools.len() {
            return Err(err(at("repair_crews_pool"), format!("no pool {i}")));
        }
    }
    if let Crews::Own(Some(0)) = c.crews {
        return Err(err(at("repair_crews"), "must be >= 1"));
    }
    for m in &c.maintenance {
        positive(&at("maintenance.interval"), m.interval_h)?;
        positive(&at("maintenance.duration"), m.duration_h)?;
        if m.duration_h >= m.interval_h {
            return Err(err(
                at("maintenance.duration"),
                format!(
                    "{} h must be shorter than the interval {} h",
                    m.duration_h, m.interval_h
                ),
            ));
        }
    }
    restart(c)
}

fn failure(c: &CircuitSpec, f: &FailureModeSpec) -> Result<(), SpecError> {
    let at = format!("circuit \"{}\".failure \"{}\"", c.name, f.name);
    dist(&format!("{at}.time_to_failure"), &f.time_to_failure)?;
    dist(&format!("{at}.time_to_repair"), &f.time_to_repair)?;
    if let Effect::Derate(x) = f.effect {
        if !(x > 0.0 && x < c.max_rate) {
            return Err(err(
                format!("{at}.derate_to"),
                format!("{x} must be in (0, max_rate {})", c.max_rate),
            ));
        }
    }
    if f.per == Per::Stage && c.sections.total() == 0 {
        return Err(err(format!("{at}.per"), "\"stage\" needs stages"));
    }
    if f.effect == Effect::Bypass && f.per != Per::Stage {
        return Err(err(
            format!("{at}.effect"),
            "\"bypass\" needs per = \"stage\"",
        ));
    }
    Ok(())
}

fn restart(c: &CircuitSpec) -> Result<(), SpecError> {
    let at = format!("circuit \"{}\".restart", c.name);
    match &c.restart {
        RestartSpec::None => Ok(()),
        RestartSpec::Fixed(h) if h.is_finite() && *h >= 0.0 => Ok(()),
        RestartSpec::Fixed(h) => Err(err(at, format!("{h} h must be >= 0"))),
        RestartSpec::Curve(curve) => {
            let n = curve.stops_h.len();
            if n == 0 || curve.off_h.len() != n || curve.purity.len() != n {
                return Err(err(
                    at,
                    "grid, off-spec times and purities differ in length",
                ));
            }
            let finite = curve.stops_h.iter().all(|s| s.is_finite());
            if !finite || curve.stops_h[0] != 0.0 || curve.stops_h.windows(2).any(|w| w[1] <= w[0])
            {
                return Err(err(
                    at,
                    "stop lengths must be finite, start at 0 and increase",
                ));
            }
            let times = curve.off_h.iter().flatten();
            if times.clone().any(|h| !(h.is_finite() && *h >= 0.0)) {
                return Err(err(at, "off-spec times must be finite and >= 0"));
            }
            for v in curve.purity.iter().flatten() {
                fraction(&at, *v)?;
            }
            Ok(())
        }
    }
}

fn lines(p: &PlantParts) -> Result<(), SpecError> {
    let mut used = vec![false; p.circuits.len()];
    for l in &p.lines {
        let at = |f: &str| format!("line \"{}\".{f}", l.name);
        if l.circuits.is_empty() {
            return Err(err(at("circuits"), "at least one circuit"));
        }
        for &c in &l.circuits {
            if c >= used.len() || std::mem::replace(&mut used[c], true) {
                return Err(err(at("circuits"), "each circuit in one line at most"));
            }
        }
        match l.rule {
            SwitchRule::Length(h) => positive(&at("campaign_length"), h)?,
            SwitchRule::Below(t) if t.is_finite() && t >= 0.0 => {}
            SwitchRule::Below(t) => return Err(err(at("switch_below"), format!("{t} < 0"))),
        }
        if !(l.changeover_h.is_finite() && l.changeover_h >= 0.0) {
            return Err(err(at("changeover"), format!("{} < 0", l.changeover_h)));
        }
    }
    Ok(())
}

/// Circuits ordered so that every circuit comes after those feeding its source tank; an
/// error if the tanks form a cycle.
pub(super) fn topological(p: &PlantParts) -> Result<Vec<usize>, SpecError> {
    let n = p.circuits.len();
    let feeds = |c: usize, d: usize| match p.circuits[d].source {
        Source::Tank(t) => p.circuits[c].outlets.contains(&Outlet::Tank(t)),
        Source::Feed => false,
    };
    let mut order = Vec::with_capacity(n);
    let mut placed = vec![false; n];
    while order.len() < n {
        let before = order.len();
        for d in 0..n {
            if !placed[d] && (0..n).all(|c| placed[c] || !feeds(c, d)) {
                placed[d] = true;
                order.push(d);
            }
        }
        if order.len() == before {
            return Err(err("tanks", "circuits and tanks form a cycle"));
        }
    }
    Ok(order)
}
