//! How much work a command is before it simulates: events, memory and wall time. A study too
//! large for a workstation is refused (an input error, exit code 2) unless `--force` is given;
//! a long one gets one line on standard error saying what to expect.
//!
//! **Memory** comes from the scenario alone, before anything is allocated: a replication's
//! largest tables are its failure clocks (one per train, or one per stage and train for
//! `per = "stage"` modes) and the event queue reserved for them
//! ([`flow::replication_bytes`]), times the replications that run at once (one per thread);
//! plus the chemistry's stage-by-element Newton matrices while the restart curves are solved,
//! and the figures every replication keeps until the report.
//!
//! **Events and time** come from a pilot: replication 0 of each layout simulated for a short
//! stretch ([`PILOT`]: 10 % of the horizon, two campaign cycles and at least 300 events, at
//! most 0.25 s of wall time), the event rate of its second half (past the start-up: empty
//! tanks, the first campaign) carried over the rest of the horizon, and its events timed.
//! Failures are counted from their rates as well (one event per mean failure-and-repair cycle
//! of every clock) and the larger count is kept: a pilot shorter than a failure cycle would
//! miss them. The pilot builds the chemistry the run needs, which the restart-curve cache
//! keeps for the run; what is extra is the cascade solves and a tenth of one replication per
//! layout (the estimate's overhead on the shipped scenarios is within the noise of their run
//! time: about 1 %).
//!
//! **Limits** ([`LIMITS`]): more than 8 GB of memory, more than 1 h of estimated wall time or
//! more than 1e10 events is refused; more than 1 min gets a note. 8 GB is half a common
//! workstation's memory (the report that started this: 1,024 trains of 100,000 stages asked
//! for 29 GB on four threads and died); 1 h is far beyond any shipped scenario (all run in
//! seconds), so a run that long is more likely a slip (`horizon = "1000 yr"`, 10,000
//! replications of a large plant) than intended, and `--force` says it is intended; 1e10
//! events is an hour or more of one core (the engine handles 0.3 to 3 µs per event), a bound
//! that does not depend on how fast this machine was during the pilot.
//!
//! **Accuracy**: on the shipped scenarios the events estimated per replication are within
//! 0.7x to 1.9x of those simulated (a single replication's pilot; the start-up of the first
//! tenth of a year is not quite the rest of it); wall time within about 1.5x on one thread
//! (the estimate assumes replications speed up linearly with threads).

use super::products::ProductFlows;
use crate::engine::{Scheduler, SimTime, Stop};
use crate::experiment::progress::{self, Progress};
use crate::flow::{self, Flow, Per};
use crate::scenario::{Scenario, ScenarioSource, Warmup};
use crate::{Error, Result};
use std::time::Instant;

/// Bounds beyond which work is refused or announced.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Most memory, bytes.
    pub max_bytes: f64,
    /// Longest estimated wall time, seconds.
    pub max_wall_s: f64,
    /// Most events over all replications.
    pub max_events: f64,
    /// Estimated wall time above which one line on standard error says what to expect,
    /// seconds.
    pub note_wall_s: f64,
}

/// The command line's limits: 8 GB, 1 h, 1e10 events; a note above 1 min.
pub const LIMITS: Limits = Limits {
    max_bytes: 8e9,
    max_wall_s: 3600.0,
    max_events: 1e10,
    note_wall_s: 60.0,
};

/// How far the pilot simulates replication 0 of a layout: until `fraction` of the horizon and
/// at least `min_events` events are done (or the horizon), but no longer than `max_wall_s`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pilot {
    /// Fraction of the horizon.
    pub fraction: f64,
    /// Least events.
    pub min_events: u64,
    /// Longest wall time per layout, seconds.
    pub max_wall_s: f64,
    /// Most layouts piloted; the others are taken to cost the mean of these.
    pub max_layouts: usize,
}

/// The command line's pilot: 10 % of the horizon and 300 events, at most 0.25 s, 8 layouts.
pub const PILOT: Pilot = Pilot {
    fraction: 0.1,
    min_events: 300,
    max_wall_s: 0.25,
    max_layouts: 8,
};

/// Figures and result records one replication keeps until the report, bytes (measured on the
/// default scenario: about 10 kB per replication and layout, doubled for headroom).
const KEPT_PER_REPLICATION: f64 = 20e3;

/// What a command is about to simulate.
#[derive(Debug, Clone)]
pub struct Work {
    /// Each layout, with the replications it runs in all (over every study of the command,
    /// automatic warm-up pilots included).
    pub layouts: Vec<(Scenario, u64)>,
    /// Replications that can run at the same time (before the thread count limits them).
    pub parallel: u64,
    /// Replications whose figures are kept together until the report.
    pub kept: u64,
    /// Root seed of the pilot (`None`: each scenario's).
    pub seed: Option<u64>,
    /// Worker threads (`None`: the current pool's).
    pub threads: Option<usize>,
}

impl Work {
    /// A study of `base` and `variants` with `reps` replications each (`run`, `compare`).
    pub fn study(
        base: &Scenario,
        variants: &[Scenario],
        reps: u32,
        seed: Option<u64>,
        threads: Option<usize>,
    ) -> Work {
        let reps = u64::from(reps);
        let layouts: Vec<(Scenario, u64)> = std::iter::once(base)
            .chain(variants)
            .map(|s| (s.clone(), reps * warmup_passes(s)))
            .collect();
        Work {
            kept: reps * layouts.len() as u64,
            layouts,
            parallel: reps,
            seed,
            threads,
        }
    }

    /// A study as [`super::run`] runs it with `options`: with a precision target, up to its
    /// replication cap (`run`, `compare`, `tornado`).
    pub fn run(base: &Scenario, variants: &[Scenario], options: &super::RunOptions) -> Work {
        let reps = options.replications.unwrap_or(base.replications);
        let most = options
            .precision
            .map_or(reps, |_| options.max_replications.max(reps));
        Work::study(base, variants, most, options.seed, options.threads)
    }

    /// The same work done `times` times (a tornado's studies); one study's figures are kept
    /// at a time.
    pub fn times(mut self, times: u64) -> Work {
        for (_, runs) in &mut self.layouts {
            *runs *= times;
        }
        self
    }

    /// `allocate`: the start layout, then `budget` steps that each try one more train on every
    /// circuit. The candidates grow from the start to `budget` more trains per circuit: half
    /// of them are estimated at the start layout, half at that largest one.
    pub fn allocate(
        source: &ScenarioSource,
        budget: u32,
        seed: Option<u64>,
        reps: Option<u32>,
        threads: Option<usize>,
    ) -> Result<Work> {
        let base = source.base()?;
        let reps = u64::from(reps.unwrap_or(base.replications).max(2));
        let trials = u64::from(budget) * base.circuits.len() as u64;
        let overrides: Vec<crate::scenario::Override> = (base.circuits.iter())
            .map(|c| crate::scenario::Override {
                key: format!("circuit.{}.trains", c.name),
                value: toml::Value::Integer(i64::from((c.trains + budget).min(1024))),
                origin: crate::scenario::FieldPath::default(),
            })
            .collect();
        let largest = source.with_overrides(None, &overrides)?;
        let passes = warmup_passes(&base);
        Ok(Work {
            layouts: vec![
                (base, reps * passes * (1 + trials / 2)),
                (largest, reps * passes * trials.div_ceil(2)),
            ],
            parallel: reps,
            kept: 3 * reps,
            seed,
            threads,
        })
    }

    /// `sweep`: every point's layout with its replications; points run in parallel.
    pub fn sweep(
        points: &[Scenario],
        reps: Option<u32>,
        seed: Option<u64>,
        threads: Option<usize>,
    ) -> Work {
        let layouts: Vec<(Scenario, u64)> = (points.iter())
            .map(|s| {
                let r = u64::from(reps.unwrap_or(s.replications));
                (s.clone(), r * warmup_passes(s))
            })
            .collect();
        Work {
            parallel: layouts.iter().map(|(_, r)| r).sum(),
            kept: 0,
            layouts,
            seed,
            threads,
        }
    }

    /// `sequence --simulate`: every feasible sequence's series flowsheet, one after another.
    pub fn sequence(
        study: &super::sequence::SequenceStudy,
        o: &super::sequence::SimulateOptions,
    ) -> Result<Work> {
        let mut layouts = Vec::new();
        for seq in study.sequences.iter().filter(|s| s.totals.is_ok()) {
            let text = super::sequence::scenario_text(study, seq, o);
            let scenario = ScenarioSource::from_text(&seq.notation, text)?.base()?;
            layouts.push((scenario, u64::from(o.replications)));
        }
        Ok(Work {
            layouts,
            parallel: u64::from(o.replications),
            kept: u64::from(o.replications),
            seed: Some(o.seed),
            threads: None,
        })
    }

    /// Replications in all.
    pub fn replications(&self) -> u64 {
        self.layouts.iter().map(|(_, r)| r).sum()
    }
}

/// Runs per replication: two with an automatic warm-up (its pilot runs every replication
/// once more).
fn warmup_passes(s: &Scenario) -> u64 {
    match s.warmup {
        Warmup::Auto => 2,
        Warmup::Fixed(_) => 1,
    }
}

/// The estimate of a command's work.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// Replications in all (layouts times replications).
    pub replications: u64,
    /// Layouts.
    pub layouts: usize,
    /// Events over all replications.
    pub events: f64,
    /// Events of one replication of each layout, in `Work::layouts` order (`NaN` where the
    /// pilot did not run).
    pub events_per_replication: Vec<f64>,
    /// Peak memory, bytes.
    pub bytes: f64,
    /// Wall time, seconds (`None` when no pilot ran: memory alone was too much).
    pub wall_s: Option<f64>,
    /// Worker threads.
    pub threads: usize,
    /// Replications in memory at once.
    pub in_flight: u64,
    /// Time the estimate took, seconds.
    pub took_s: f64,
}

impl Estimate {
    /// "about 4.2e9 events over 30 replications (3 layouts) and 1.3 GB of memory, estimated
    /// 2.5 h on 4 threads"; without a pilot, "at least ... events (failures alone) ... with 4
    /// replications at a time on 4 threads".
    pub fn describe(&self) -> String {
        let layouts = match self.layouts {
            1 => "1 layout".to_string(),
            n => format!("{n} layouts"),
        };
        match self.wall_s {
            Some(s) => format!(
                "about {} events over {} replications ({layouts}) and {} of memory, estimated {} \
                 on {}",
                count(self.events),
                self.replications,
                bytes(self.bytes),
                duration(s),
                threads(self.threads)
            ),
            None => format!(
                "at least {} events (failures alone) over {} replications ({layouts}) and about \
                 {} of memory with {} replications at a time on {}",
                count(self.events),
                self.replications,
                bytes(self.bytes),
                self.in_flight,
                threads(self.threads)
            ),
        }
    }

    /// Which limits it exceeds, as words ("8 GB of memory", ...).
    pub fn exceeded(&self, limits: &Limits) -> Vec<String> {
        let mut over = Vec::new();
        if self.bytes > limits.max_bytes {
            over.push(format!("{} of memory", bytes(limits.max_bytes)));
        }
        if self.wall_s.is_some_and(|s| s > limits.max_wall_s) {
            over.push(format!("{} of wall time", duration(limits.max_wall_s)));
        }
        if self.events > limits.max_events {
            over.push(format!("{} events", count(limits.max_events)));
        }
        over
    }
}

/// Estimates `work`; stops after the memory part (no pilot, `wall_s` `None`) when memory alone
/// exceeds `limits`.
pub fn estimate(work: &Work, limits: &Limits, pilot: &Pilot) -> Result<Estimate> {
    let start = Instant::now();
    let threads = work
        .threads
        .unwrap_or_else(rayon::current_num_threads)
        .max(1);
    let in_flight = work.parallel.clamp(1, threads as u64);
    let model = (work.layouts.iter())
        .map(|(s, _)| model_bytes(s))
        .fold(0.0, f64::max);
    let chemistry = (work.layouts.iter())
        .map(|(s, _)| chemistry_bytes(s))
        .fold(0.0, f64::max);
    let bytes = model * in_flight as f64
        + chemistry * threads as f64
        + work.kept as f64 * KEPT_PER_REPLICATION;
    let floors: Vec<f64> = work
        .layouts
        .iter()
        .map(|(s, _)| failure_events(s))
        .collect();
    let mut estimate = Estimate {
        replications: work.replications(),
        layouts: work.layouts.len(),
        events: (work.layouts.iter().zip(&floors))
            .map(|((_, r), f)| *r as f64 * f)
            .sum(),
        events_per_replication: vec![f64::NAN; work.layouts.len()],
        bytes,
        wall_s: None,
        threads,
        in_flight,
        took_s: 0.0,
    };
    if bytes > limits.max_bytes || work.layouts.is_empty() {
        estimate.took_s = start.elapsed().as_secs_f64();
        return Ok(estimate);
    }
    // Pilot at most `max_layouts` layouts, spread evenly over the list (first and last in).
    let n = work.layouts.len();
    let k = pilot.max_layouts.clamp(1, n);
    let picked: Vec<usize> = if k == n {
        (0..n).collect()
    } else {
        let mut v: Vec<usize> = (0..k).map(|i| i * (n - 1) / (k - 1).max(1)).collect();
        v.dedup();
        v
    };
    // The chemistry of the piloted layouts, one after another as the run builds them (so
    // layouts that share a restart curve compute it once; the run then finds it in the
    // cache), each in parallel inside; then the pilots, timed on one thread.
    let prepared: Vec<Prepared> = crate::experiment::with_threads(work.threads, || {
        (picked.iter())
            .map(|&i| {
                let s = &work.layouts[i].0;
                prepare(s, work.seed.unwrap_or(s.seed))
            })
            .collect::<Result<Vec<_>>>()
    })??;
    let mut per_rep = vec![None; n];
    let mut chemistry: Vec<(String, f64, u64)> = Vec::new();
    for (&i, p) in picked.iter().zip(&prepared) {
        let s = &work.layouts[i].0;
        let run = run_pilot(p, work.seed.unwrap_or(s.seed), pilot);
        let events = run.events_per_replication(floors[i]);
        estimate.events_per_replication[i] = events;
        per_rep[i] = Some((events, run.seconds(events)));
        // Layouts with the same chemistry share each replication's draw of it.
        let key = chemistry_key(s);
        let runs = work.layouts[i].1;
        match chemistry.iter_mut().find(|(k, _, _)| *k == key) {
            Some(c) => c.2 = c.2.max(runs),
            None => chemistry.push((key, p.chemistry_s, runs)),
        }
    }
    // Layouts not piloted: the mean of those piloted.
    let mean = |f: fn(&(f64, f64)) -> f64| {
        per_rep.iter().flatten().map(f).sum::<f64>() / prepared.len() as f64
    };
    let fallback = (mean(|p| p.0), mean(|p| p.1));
    let (mut events, mut seconds) = (0.0, 0.0);
    for ((_, r), p) in work.layouts.iter().zip(&per_rep) {
        let (e, s) = p.unwrap_or(fallback);
        events += *r as f64 * e;
        seconds += *r as f64 * s;
    }
    let piloted: u64 = picked.iter().map(|&i| work.layouts[i].1).sum();
    let all = work.replications();
    seconds += (chemistry.iter())
        .map(|(_, s, runs)| s * *runs as f64)
        .sum::<f64>()
        * all as f64
        / piloted.max(1) as f64;
    estimate.events = events;
    estimate.wall_s = Some(seconds / in_flight as f64);
    estimate.took_s = start.elapsed().as_secs_f64();
    Ok(estimate)
}

/// Estimates `work` against [`LIMITS`] and refuses it (an input error naming the estimate)
/// when it exceeds one, unless `force`; a long run gets one line on standard error. With
/// `force` nothing is estimated.
pub fn check(work: &Work, force: bool) -> Result<()> {
    check_with(work, force, &LIMITS, &PILOT).map(|_| ())
}

/// [`check`] with other limits and pilot (tests); returns the estimate when one was made.
pub fn check_with(
    work: &Work,
    force: bool,
    limits: &Limits,
    pilot: &Pilot,
) -> Result<Option<Estimate>> {
    if force {
        return Ok(None);
    }
    let e = estimate(work, limits, pilot)?;
    let over = e.exceeded(limits);
    if !over.is_empty() {
        return Err(Error::Input(format!(
            "too much to simulate: {}; the {} {}. Lower the replications, horizon, trains or \
             stages, or pass --force to run anyway",
            e.describe(),
            if over.len() == 1 {
                "limit is"
            } else {
                "limits are"
            },
            over.join(" and "),
        )));
    }
    if e.wall_s.is_some_and(|s| s > limits.note_wall_s) {
        eprintln!("note: {}", e.describe());
    }
    Ok(Some(e))
}

/// [`check`], then shows the command's progress bar (replications finished, on a terminal's
/// standard error only) until the returned guard is dropped.
pub fn check_and_show(work: &Work, force: bool) -> Result<progress::Shown> {
    check(work, force)?;
    Ok(progress::show(Progress::new(
        work.replications(),
        "replications",
    )))
}

/// A layout ready for its pilot: its plant, and what its chemistry costs per replication.
struct Prepared {
    /// The plant with the scenario's warm-up.
    spec: flow::PlantSpec,
    /// The campaign cycle, hours (0 without campaign lines).
    cycle_h: f64,
    /// Seconds of chemistry each replication redoes (drawn uncertain inputs), else 0.
    chemistry_s: f64,
}

/// Builds the chemistry and plant of `scenario`.
fn prepare(scenario: &Scenario, seed: u64) -> Result<Prepared> {
    let flows = ProductFlows::of(scenario)?;
    let chemistry_s = if scenario.uncertainty.is_empty() {
        0.0
    } else {
        // Every replication rebuilds the chemistry at its draw: time one (replication 0's,
        // which the run then finds in the restart-curve cache).
        let t = Instant::now();
        ProductFlows::of(&scenario.drawn(seed, 0)?)?;
        t.elapsed().as_secs_f64()
    };
    let warmup_h = match scenario.warmup {
        Warmup::Fixed(h) => h,
        Warmup::Auto => 0.0,
    };
    Ok(Prepared {
        spec: flows.plant_spec(warmup_h),
        cycle_h: flows.built.cycle_h,
        chemistry_s,
    })
}

/// What decides a layout's chemistry: its circuits' separations and stage residence times.
fn chemistry_key(s: &Scenario) -> String {
    (s.circuits.iter())
        .map(|c| format!("{:?}|{}", c.separation, c.stage_residence_h))
        .collect::<Vec<_>>()
        .join(";")
}

/// What the pilot of one layout saw.
#[derive(Debug, Clone, Copy)]
struct PilotRun {
    /// Events handled.
    events: u64,
    /// Events handled and simulated hours when half the pilot was done: the rate over the
    /// second half, past the start-up (empty tanks, first campaign), is the one scaled.
    mid: (u64, f64),
    /// Simulated hours.
    simulated_h: f64,
    /// Hours one replication simulates.
    horizon_h: f64,
    /// Seconds to build the model and queue its first events.
    setup_s: f64,
    /// Seconds handling the events.
    run_s: f64,
}

impl PilotRun {
    /// Events of one replication: the pilot's, and its second half's rate over the rest of the
    /// horizon; or the failures counted from their rates if more.
    fn events_per_replication(&self, floor: f64) -> f64 {
        let (mid_events, mid_h) = self.mid;
        let left_h = (self.horizon_h - self.simulated_h).max(0.0);
        let scaled = if self.simulated_h > mid_h {
            let rate = (self.events - mid_events) as f64 / (self.simulated_h - mid_h);
            self.events as f64 + rate * left_h
        } else {
            self.events as f64
        };
        scaled.max(floor)
    }

    /// Seconds of one replication of `events` events (its chemistry aside).
    fn seconds(&self, events: f64) -> f64 {
        let per_event = if self.events > 0 {
            self.run_s / self.events as f64
        } else {
            0.0
        };
        self.setup_s + events * per_event
    }
}

/// Events per chunk of the pilot between looks at the clock.
const CHUNK: u64 = 64;

/// Simulates replication 0 of a prepared layout for a stretch (see [`Pilot`]).
fn run_pilot(p: &Prepared, seed: u64, pilot: &Pilot) -> PilotRun {
    let horizon_h = p.spec.parts().horizon_h;
    let start = Instant::now();
    let mut model = Flow::new(&p.spec, seed, 0);
    let mut sched = Scheduler::with_capacity(model.queue_capacity());
    model.start(&mut sched);
    let setup_s = start.elapsed().as_secs_f64();
    // Campaign lines repeat with their cycle: the pilot covers two (the second is the one
    // scaled).
    let target_h = (horizon_h * pilot.fraction).max(2.0 * p.cycle_h);
    let end = SimTime::from_hours(horizon_h);
    let mut events = 0;
    let mut mid: Option<(u64, f64)> = None;
    loop {
        let (n, stop) = sched.run_until_bounded(&mut model, end, CHUNK, flow::SAME_INSTANT);
        events += n;
        let now_h = sched.now().hours();
        if mid.is_none() && now_h >= target_h / 2.0 && events >= pilot.min_events / 2 {
            mid = Some((events, now_h));
        }
        let enough = now_h >= target_h && events >= pilot.min_events;
        let late = start.elapsed().as_secs_f64() - setup_s > pilot.max_wall_s;
        if stop != Some(Stop::Budget) || enough || late {
            break;
        }
    }
    PilotRun {
        events,
        mid: mid.unwrap_or((0, 0.0)),
        simulated_h: sched.now().hours(),
        horizon_h,
        setup_s,
        run_s: start.elapsed().as_secs_f64() - setup_s,
    }
}

/// Failure events of one replication of `scenario` from the failure rates: one per mean
/// failure-and-repair cycle of every clock (a lower bound: each cycle is a failure and a
/// repair, but clocks stop while their train is down).
pub fn failure_events(scenario: &Scenario) -> f64 {
    let mut events = 0.0;
    for c in &scenario.circuits {
        for f in &c.failures {
            let cycle_h = f.time_to_failure.mean() + f.time_to_repair.mean();
            if cycle_h > 0.0 {
                events += clocks(c, f.per) * scenario.horizon_h / cycle_h;
            }
        }
    }
    events
}

/// Failure clocks of one mode of circuit `c`, over all its trains.
fn clocks(c: &crate::scenario::Circuit, per: Per) -> f64 {
    let per_train = match per {
        Per::Train => 1,
        Per::Stage => c.stages.total(),
    };
    f64::from(c.trains) * f64::from(per_train)
}

/// Bytes one replication of `scenario` allocates while it runs.
pub fn model_bytes(scenario: &Scenario) -> f64 {
    let mut all = 0.0;
    let (mut trains, mut modes) = (0u64, 0u64);
    for c in &scenario.circuits {
        all += (c.failures.iter()).map(|f| clocks(c, f.per)).sum::<f64>();
        trains += u64::from(c.trains);
        modes = modes.max(c.failures.len() as u64);
    }
    flow::replication_bytes(all as u64, trains, modes) as f64
}

/// Bytes of the largest circuit's chemistry in one thread: the dynamic model's Newton
/// matrices (two blocks of elements x elements per stage) and its stage vectors.
pub fn chemistry_bytes(scenario: &Scenario) -> f64 {
    (scenario.circuits.iter())
        .filter_map(|c| c.separation.as_ref().map(|s| (c, s)))
        .map(|(c, s)| {
            let stages = f64::from(c.stages.total());
            let e = s.elements().len() as f64;
            8.0 * stages * (2.0 * e * e + 16.0 * e)
        })
        .fold(0.0, f64::max)
}

/// `9.0e8`, `12,345`.
fn count(x: f64) -> String {
    if x < 1e6 {
        format!("{:.0}", x)
    } else {
        format!("{x:.1e}")
    }
}

/// `35 GB`, `1.3 GB`, `250 MB`.
fn bytes(b: f64) -> String {
    if b >= 10e9 {
        format!("{:.0} GB", b / 1e9)
    } else if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else {
        format!("{:.0} MB", (b / 1e6).max(1.0))
    }
}

/// `under 1 s`, `45 s`, `12 min`, `3.4 h`, `2.1 days`.
fn duration(s: f64) -> String {
    if s < 1.0 {
        "under 1 s".into()
    } else if s < 90.0 {
        format!("{s:.0} s")
    } else if s < 3600.0 {
        format!("{:.0} min", s / 60.0)
    } else if s < 2.0 * 86400.0 {
        format!("{:.1} h", s / 3600.0)
    } else {
        format!("{:.1} days", s / 86400.0)
    }
}

/// `1 thread`, `4 threads`.
fn threads(n: usize) -> String {
    if n == 1 {
        "1 thread".into()
    } else {
        format!("{n} threads")
    }
}
