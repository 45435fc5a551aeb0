//! What one replication reports: figures over the statistics window [warm-up, horizon] as the
//! difference of running totals at its two ends, the stock change over the window, and the
//! element mass balance over the whole run.

use super::model::Flow;
use super::train::fixed;

/// Running totals at one instant (the start of the window).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Snapshot {
    time_h: f64,
    offered_t: f64,
    accepted_t: f64,
    outage_h: f64,
    circuits: Vec<super::circuit::CircuitStats>,
    products: Vec<super::product::ProductTotals>,
    tanks: Vec<(f64, f64, f64)>,
    scrapped_t: f64,
    recycled_t: f64,
    stock_t: f64,
    lines: Vec<(u64, f64)>,
}

/// One product over the window.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProductResult {
    /// Product name.
    pub name: String,
    /// On-spec REO sold, t.
    pub on_spec_t: f64,
    /// On-spec REO sold per element, t.
    pub on_spec_by_element: Vec<f64>,
    /// REO in batches judged off-spec, t.
    pub off_spec_t: f64,
    /// Of which attributed to restart transients / bypassed stages, t.
    pub off_spec_restart_t: f64,
    /// Off-spec attributed to bypassed stages, t.
    pub off_spec_bypass_t: f64,
    /// Batches judged and of them on-spec.
    pub batches: u64,
    /// On-spec batches.
    pub on_spec_batches: u64,
    /// Mass-weighted mean blended purity of the batches judged (NaN if none).
    pub mean_purity: f64,
}

/// One circuit over the window.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CircuitResult {
    /// Circuit name.
    pub name: String,
    /// Feed processed, t REO.
    pub fed_t: f64,
    /// Time-average fraction of its trains up, 0..1.
    pub availability: f64,
    /// Fraction of time with k trains up, k = 0..=trains.
    pub trains_up: Vec<f64>,
    /// Fraction of time it was starved (source empty, running below capacity).
    pub starved: f64,
    /// Fraction of time it was blocked (an outlet tank full).
    pub blocked: f64,
    /// Repairs of its failures completed in the window.
    pub repairs: u64,
    /// Capacity lost against its installed design rate by cause, t REO of circuit feed:
    /// (cause name, t), failure modes first.
    pub lost_t: Vec<(String, f64)>,
    /// REE inventory of its installed trains, t REO.
    pub inventory_t: f64,
    /// Mean REE residence: inventory / mean feed rate, hours (infinite if it never ran).
    pub residence_h: f64,
    /// Largest drift of its feed from the design composition (max abs REO mass fraction) and
    /// that composition.
    pub drift: (f64, Vec<f64>),
}

/// One tank over the window.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TankResult {
    /// Tank name ("feed" for the feed tank).
    pub name: String,
    /// Mean level, t REO.
    pub mean_level_t: f64,
    /// Fraction of time full.
    pub full: f64,
    /// Fraction of time empty.
    pub empty: f64,
}

/// One campaign line over the window.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineResult {
    /// Line name.
    pub name: String,
    /// Switches started in the window.
    pub switches: u64,
    /// Fraction of the window in changeover.
    pub changeover: f64,
}

/// Per element over the whole run [0, horizon], t REO:
/// offered = held back or lost + products sold + off-spec scrapped + stock at the end
/// (tanks, open batches, batches in finishing); the installed cascade inventory is constant.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MassBalance {
    /// Feed offered by the upstream plant.
    pub offered: Vec<f64>,
    /// Feed held back or lost at a full feed tank.
    pub refused: Vec<f64>,
    /// Sold on-spec.
    pub sold: Vec<f64>,
    /// Off-spec scrapped (batches and diverted liquor).
    pub scrapped: Vec<f64>,
    /// In tanks, open batches and the finishing unit at the horizon.
    pub stock: Vec<f64>,
}

impl MassBalance {
    /// Largest |offered - refused - sold - scrapped - stock| over elements, relative to the
    /// total offered.
    pub fn relative_error(&self) -> f64 {
        let total: f64 = self.offered.iter().sum();
        let worst = (0..self.offered.len())
            .map(|e| {
                (self.offered[e]
                    - self.refused[e]
                    - self.sold[e]
                    - self.scrapped[e]
                    - self.stock[e])
                    .abs()
            })
            .fold(0.0, f64::max);
        if total > 0.0 { worst / total } else { worst }
    }
}

/// Everything one replication reports.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlowResult {
    /// Replication index.
    pub replication: u64,
    /// Why the run stopped before its horizon (its event budget, or a clock that stopped
    /// advancing), naming the busiest tank; `None` for a complete run.
    pub aborted: Option<String>,
    /// Events handled.
    pub events: u64,
    /// Length of the statistics window, hours.
    pub window_h: f64,
    /// Feed offered in the window, t.
    pub offered_t: f64,
    /// Feed held back at a full feed tank (`when_full = "hold"`), t.
    pub held_back_t: f64,
    /// Feed lost at a full feed tank (`when_full = "lose"`), t.
    pub lost_t: f64,
    /// Hours of upstream outage in the window.
    pub outage_h: f64,
    /// Per product.
    pub products: Vec<ProductResult>,
    /// Per circuit.
    pub circuits: Vec<CircuitResult>,
    /// Feed tank first, then the intermediate tanks.
    pub tanks: Vec<TankResult>,
    /// Per campaign line.
    pub lines: Vec<LineResult>,
    /// Off-spec scrapped in the window, t.
    pub scrapped_t: f64,
    /// Off-spec recycled in the window, t.
    pub recycled_t: f64,
    /// Stock (tanks, open batches, finishing) at the end minus at the start of the window, t.
    pub stock_change_t: f64,
    /// Time-average fraction of all installed trains up.
    pub availability: f64,
    /// Whole-run element balance.
    pub mass: MassBalance,
    /// On-spec output sold in each of the equal bins over [0, horizon], t/h.
    pub series: Vec<f64>,
}

impl Flow<'_> {
    /// The running totals now.
    pub(super) fn snapshot(&self) -> Snapshot {
        Snapshot {
            time_h: self.now,
            offered_t: self.feed.offered_t(),
            accepted_t: self.feed.accepted_t(),
            outage_h: self.feed.outage_h(),
            circuits: self.circuits.iter().map(|c| c.stats.clone()).collect(),
            products: self.products.iter().map(|p| p.totals.clone()).collect(),
            tanks: self
                .tanks
                .iter()
                .map(|t| (t.level_integral, t.full_h, t.empty_h))
                .collect(),
            scrapped_t: self.off_spec.scrapped().iter().sum(),
            recycled_t: self.off_spec.recycled_t(),
            stock_t: self.stock().iter().sum(),
            lines: self.lines.iter().map(|l| l.totals()).collect(),
        }
    }

    /// Per element: REO in tanks, open batches and the finishing unit now, t.
    fn stock(&self) -> Vec<f64> {
        let mut out = vec![0.0; self.spec.elements()];
        let mut add = |m: &[f64]| out.iter_mut().zip(m).for_each(|(o, x)| *o += x);
        self.tanks.iter().for_each(|t| add(t.masses()));
        self.products.iter().for_each(|p| add(&p.mass));
        if let Some(f) = &self.finishing {
            f.masses().for_each(add);
        }
        out
    }

    /// Why a bounded run stopped at `now_h` after `events` events: the reason and the tank whose
    /// level events were re-queued most (where the rates flipped).
    pub fn abort_reason(&self, why: crate::engine::Stop, events: u64, now_h: f64) -> String {
        let parts = self.spec.parts();
        let busiest = (0..self.tanks.len()).max_by_key(|&t| self.tanks[t].deadline.version);
        let tank = busiest.map_or(String::new(), |t| {
            let name = if t == 0 {
                "feed".to_string()
            } else {
                parts.tanks[t - 1].name.clone()
            };
            let consumer = (self.tanks.consumer(t)).map_or(String::new(), |c| {
                format!(", feeding circuit \"{}\"", parts.circuits[c].name)
            });
            format!("; the busiest is tank \"{name}\"{consumer}")
        });
        let what = match why {
            crate::engine::Stop::Budget => format!(
                "{events} events (the budget: {} per simulated hour per train, tank and product)",
                super::EVENTS_PER_UNIT_HOUR
            ),
            crate::engine::Stop::Stalled => format!(
                "{} events in a row at one time: the clock stopped advancing",
                super::SAME_INSTANT
            ),
        };
        format!(
            "the simulation stopped at {now_h:.6} h of {} h after {what}{tank}. Rates that flip \
             ever faster usually mean a loop through tanks at their bounds, e.g. off-spec \
             recycled into a full tank (try restart = \"dynamic\" or off_spec = \"scrap\"); \
             please report the scenario",
            parts.horizon_h
        )
    }

    /// Ends the run at the horizon and reports.
    pub fn finish(mut self, replication: u64, events: u64) -> FlowResult {
        self.now = self.spec.parts().horizon_h;
        self.advance_all();
        let warm = self.warm.clone().unwrap_or_default();
        let end = self.snapshot();
        let window = end.time_h - warm.time_h;
        let refused = end.offered_t - end.accepted_t - (warm.offered_t - warm.accepted_t);
        let lose = self.spec.parts().feed.when_full == super::spec::WhenFull::Lose;
        let mut bins = Vec::with_capacity(self.series.len());
        let bin_h = self.spec.parts().horizon_h / super::model::SERIES_BINS as f64;
        let mut before = 0.0;
        for &sold in &self.series {
            bins.push((sold - before) / bin_h);
            before = sold;
        }
        FlowResult {
            replication,
            aborted: None,
            events,
            window_h: window,
            offered_t: end.offered_t - warm.offered_t,
            held_back_t: if lose { 0.0 } else { refused },
            lost_t: if lose { refused } else { 0.0 },
            outage_h: end.outage_h - warm.outage_h,
            products: self.product_results(&warm),
            circuits: self.circuit_results(&warm, window),
            tanks: self.tank_results(&warm, &end, window),
            lines: self.line_results(&warm, &end, window),
            scrapped_t: end.scrapped_t - warm.scrapped_t,
            recycled_t: end.recycled_t - warm.recycled_t,
            stock_change_t: end.stock_t - warm.stock_t,
            availability: self.availability(&warm, window),
            mass: self.mass_balance(),
            series: bins,
        }
    }

    fn product_results(&self, warm: &Snapshot) -> Vec<ProductResult> {
        let parts = self.spec.parts();
        self.products
            .iter()
            .enumerate()
            .map(|(p, product)| {
                let now = &product.totals;
                let zero = super::product::ProductTotals::default();
                let was = warm.products.get(p).unwrap_or(&zero);
                let sum = |v: &[f64]| v.iter().sum::<f64>();
                let by_element: Vec<f64> = now
                    .on_spec
                    .iter()
                    .enumerate()
                    .map(|(e, x)| x - was.on_spec.get(e).copied().unwrap_or(0.0))
                    .collect();
                let judged = now.batches - was.batches;
                let judged_t = now.judged_t - was.judged_t;
                ProductResult {
                    name: parts.products[p].name.clone(),
                    on_spec_t: by_element.iter().sum(),
                    on_spec_by_element: by_element,
                    off_spec_t: sum(&now.off_spec) - sum(&was.off_spec),
                    off_spec_restart_t: now.off_spec_restart_t - was.off_spec_restart_t,
                    off_spec_bypass_t: now.off_spec_bypass_t - was.off_spec_bypass_t,
                    batches: judged,
                    on_spec_batches: now.on_spec_batches - was.on_spec_batches,
                    mean_purity: (now.purity_mass_t - was.purity_mass_t) / judged_t,
                }
            })
            .collect()
    }

    fn circuit_results(&self, warm: &Snapshot, window: f64) -> Vec<CircuitResult> {
        let parts = self.spec.parts();
        self.circuits
            .iter()
            .enumerate()
            .map(|(c, st)| {
                let spec = &parts.circuits[c];
                let zero = super::circuit::CircuitStats::default();
                let was = warm.circuits.get(c).unwrap_or(&zero);
                let s = &st.stats;
                let k = spec.trains as usize;
                let trains_up: Vec<f64> = (0..=k)
                    .map(|i| (s.up_hours[i] - was.up_hours.get(i).copied().unwrap_or(0.0)) / window)
                    .collect();
                let availability = trains_up
                    .iter()
                    .enumerate()
                    .map(|(i, f)| i as f64 * f)
                    .sum::<f64>()
                    / k as f64;
                let fed = s.fed_t - was.fed_t;
                let inventory = spec.inventory_t * k as f64;
                let names = cause_names(spec);
                let lost_t = names
                    .into_iter()
                    .enumerate()
                    .map(|(i, n)| (n, s.lost_t[i] - was.lost_t.get(i).copied().unwrap_or(0.0)))
                    .collect();
                CircuitResult {
                    name: spec.name.clone(),
                    fed_t: fed,
                    availability,
                    trains_up,
                    starved: (s.starved_h - was.starved_h) / window,
                    blocked: (s.blocked_h - was.blocked_h) / window,
                    repairs: s.repairs - was.repairs,
                    lost_t,
                    inventory_t: inventory,
                    residence_h: if fed > 0.0 {
                        inventory / (fed / window)
                    } else {
                        f64::INFINITY
                    },
                    drift: self.drift[c].clone(),
                }
            })
            .collect()
    }

    fn tank_results(&self, warm: &Snapshot, end: &Snapshot, window: f64) -> Vec<TankResult> {
        let parts = self.spec.parts();
        (0..self.tanks.len())
            .map(|t| {
                let (a, b) = (warm.tanks.get(t).copied().unwrap_or_default(), end.tanks[t]);
                TankResult {
                    name: if t == 0 {
                        "feed".into()
                    } else {
                        parts.tanks[t - 1].name.clone()
                    },
                    mean_level_t: (b.0 - a.0) / window,
                    full: (b.1 - a.1) / window,
                    empty: (b.2 - a.2) / window,
                }
            })
            .collect()
    }

    fn line_results(&self, warm: &Snapshot, end: &Snapshot, window: f64) -> Vec<LineResult> {
        let parts = self.spec.parts();
        (0..self.lines.len())
            .map(|l| {
                let a = warm.lines.get(l).copied().unwrap_or_default();
                LineResult {
                    name: parts.lines[l].name.clone(),
                    switches: end.lines[l].0 - a.0,
                    changeover: (end.lines[l].1 - a.1) / window,
                }
            })
            .collect()
    }

    fn availability(&self, warm: &Snapshot, window: f64) -> f64 {
        let parts = self.spec.parts();
        let mut up_h = 0.0;
        for (c, st) in self.circuits.iter().enumerate() {
            let was = warm.circuits.get(c);
            for (k, h) in st.stats.up_hours.iter().enumerate() {
                let before = was.and_then(|w| w.up_hours.get(k)).copied().unwrap_or(0.0);
                up_h += k as f64 * (h - before);
            }
        }
        let installed: u32 = parts.circuits.iter().map(|c| c.trains).sum();
        up_h / (f64::from(installed) * window)
    }

    fn mass_balance(&self) -> MassBalance {
        let comp = &self.spec.parts().feed.composition;
        let scale = |t: f64| comp.iter().map(|f| f * t).collect::<Vec<f64>>();
        let mut sold = vec![0.0; comp.len()];
        for p in self.products.iter() {
            sold.iter_mut()
                .zip(&p.totals.on_spec)
                .for_each(|(s, x)| *s += x);
        }
        MassBalance {
            offered: scale(self.feed.offered_t()),
            refused: scale(self.feed.offered_t() - self.feed.accepted_t()),
            sold,
            scrapped: self.off_spec.scrapped().to_vec(),
            stock: self.stock(),
        }
    }
}

/// Names of a circuit's loss causes, failure modes first.
pub fn cause_names(spec: &super::spec::CircuitSpec) -> Vec<String> {
    let mut names: Vec<String> = spec.failures.iter().map(|f| f.name.clone()).collect();
    let fixed_names = [
        "maintenance",
        "parked",
        "starved",
        "blocked",
        "underfed",
        "catch-up",
    ];
    debug_assert_eq!(fixed_names.len(), fixed::COUNT as usize);
    names.extend(fixed_names.iter().map(|s| s.to_string()));
    names
}
