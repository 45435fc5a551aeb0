//! Every key a scenario file may hold, with its unit, default and allowed range.
//!
//! This table is the single source of truth for three things: the unknown-key check (with its
//! "did you mean" suggestion), the README's scenario reference (generated from it and tested
//! against it) and the docs of `reesim check`.

/// One documented key. `path` uses `[]` for an element of an array of tables and `*` for a
/// free-form key (an element symbol, a dotted override path).
#[derive(Debug, Clone, Copy)]
pub struct KeyDoc {
    /// Dotted path, e.g. `circuit[].stages[].buffer`.
    pub path: &'static str,
    /// Type and unit, e.g. "duration", "integer (lots)".
    pub kind: &'static str,
    /// Default when omitted, or "required".
    pub default: &'static str,
    /// Allowed values.
    pub range: &'static str,
    /// What it means.
    pub doc: &'static str,
}

const DIST: &str = "distribution";
const DUR: &str = "duration (number = hours, or \"25 min\", \"8 h\", \"3 d\")";

/// The keys, in the order the README lists them.
#[rustfmt::skip]
pub const KEYS: &[KeyDoc] = &[
    key("name", "string", "file name", "any", "Scenario name shown in reports."),
    key("description", "string", "none", "any", "Free text shown in reports."),
    key("simulation", "table", "defaults below", "", "Run length and statistics."),
    key("simulation.horizon", DUR, "365 d", "> 0", "Simulated time per replication."),
    key("simulation.warmup", "duration or \"auto\"", "0", ">= 0 and < horizon, or \"auto\" (MSER-5)", "Start of the statistics window."),
    key("simulation.replications", "integer", "10", "1 ..= 10000", "Independent replications."),
    key("simulation.seed", "integer", "1", "0 ..= 2^63-1", "Root of every random stream."),
    key("feed", "table", "required", "", "The feed source and tank."),
    key("feed.interarrival", DIST, "required", "mean > 0", "Time between feed lots."),
    key("feed.tank_capacity", "integer (lots)", "unbounded", "1 ..= 10^9", "Lots the feed tank holds; a lot arriving at a full tank is lost."),
    key("feed.lot_volume_m3", "number (m^3)", "1.0", "> 0", "Volume of one lot of feed liquor."),
    key("feed.ree_g_per_l", "number (g/L REO)", "100.0", "> 0", "REE concentration of the feed liquor, as oxide."),
    key("feed.composition", "table {element = fraction}", "from the first circuit's separation", "fractions >= 0 summing to 1 (+-1e-6)", "REO mass fractions of the feed."),
    key("feed.composition.*", "number", "", "0 ..= 1", "REO mass fraction of one element (La..Lu, Y, Sc)."),
    key("circuit", "array of tables", "at least one", "", "Circuits; without feed_from/products they run in series in file order."),
    key("circuit[].name", "string", "required", "unique", "Circuit name; variants address it as circuit.NAME."),
    key("circuit[].trains", "integer", "1", "1 ..= 1024", "Identical parallel trains."),
    key("circuit[].dispatch", "string", "\"shared_queue\"", "\"round_robin\", \"shortest_queue\", \"shared_queue\"", "How lots go to trains."),
    key("circuit[].skip_down_trains", "boolean", "true", "true, false", "Push policies send nothing to a train that is down."),
    key("circuit[].stages", "array of tables", "at least one", "", "Stage groups in flow order."),
    key("circuit[].stages[].count", "integer", "1", "1 ..= 100000", "Identical consecutive stages in the group."),
    key("circuit[].stages[].capacity", "integer (lots)", "1", "1 ..= 10^6", "Lots in process at once in each stage."),
    key("circuit[].stages[].residence", DIST, "required", "mean > 0", "Residence time of a lot in one stage."),
    key("circuit[].stages[].buffer", "integer (lots)", "unbounded", "0 ..= 10^9", "Waiting places in front of each stage."),
    key("circuit[].failures", "table", "no failures", "", "Breakdowns of each train."),
    key("circuit[].failures.time_to_failure", DIST, "required", "mean > 0", "Up time between failures of one train."),
    key("circuit[].failures.time_to_repair", DIST, "required", "mean > 0", "Repair time once a crew works on it."),
    key("circuit[].failures.repair_crews", "integer", "one per failure", "1 ..= 1024", "Crews shared by the circuit's trains."),
    key("circuit[].failures.repair_crews_pool", "string", "none (the circuit's own crews)", "a [[crew_pool]] name; not with repair_crews", "Repairs wait for a crew of this plant-wide pool instead."),
    key("circuit[].failures.restart_off_spec", "duration or \"dynamic\"", "0", ">= 0, or \"dynamic\" (needs a separation)", "After a repair, lots leaving within this time are off-spec; \"dynamic\" computes it from the cascade dynamics after a stop as long as the mean repair."),
    key("circuit[].failures.restart_tolerance", "number", "0.1", ">= 0", "With \"dynamic\": a product is on-spec again once its impurity is within this fraction of its steady-state impurity."),
    key("circuit[].failures.off_spec", "string", "\"recycle\"", "\"recycle\", \"scrap\"", "Fate of off-spec lots."),
    key("circuit[].separation", "table", "none", "", "The SX split the circuit makes (chemistry)."),
    key("circuit[].separation.elements", "array of symbols", "required", "2 ..= 16 distinct elements, least extracted first", "Components of the circuit feed."),
    key("circuit[].separation.feed_composition", "array of numbers", "required", "mole fractions >= 0 summing to 1 (+-1e-6)", "Circuit feed, same order as elements."),
    key("circuit[].separation.separation_factors", "array of numbers", "from extractant", "first = 1, increasing, each > 1 apart", "Separation factors relative to the first element."),
    key("circuit[].separation.extractant", "string", "required without separation_factors", "\"P507-HCl\", \"D2EHPA-HCl\", \"Cyanex272\", \"naphthenic-acid\"", "Built-in extractant system."),
    key("circuit[].separation.split_after", "element symbol", "required", "one of elements except the last", "Last element of the B (raffinate) product."),
    key("circuit[].separation.feed_phase", "string", "\"aqueous\"", "\"aqueous\", \"organic\"", "Feed enters stage n (aqueous) or n+1 (organic)."),
    key("circuit[].separation.extraction_stages", "integer", "required", "1 ..= 2000", "Extraction stages n."),
    key("circuit[].separation.scrub_stages", "integer", "required", "0 ..= 2000", "Scrub stages m."),
    key("circuit[].separation.strip_stages", "integer", "0", "0 ..= 2000", "Strip stages (carry no separation)."),
    key("circuit[].separation.extraction_amount", "number (mol/mol feed)", "required", "> 0", "Organic REE flow S per unit feed."),
    key("circuit[].separation.scrub_amount", "number (mol/mol feed)", "derived from the product split", "> 0", "Aqueous REE flow W from the scrub per unit feed."),
    key("circuit[].separation.model", "string", "\"loaded\"", "\"loaded\", \"linear\"", "Equilibrium model."),
    key("circuit[].separation.distribution_ratios", "array of numbers", "required when linear", "> 0, one per element", "Constant distribution ratios D (linear model)."),
    key("circuit[].separation.phase_ratio", "number (O/A)", "required when linear", "> 0", "Organic/aqueous flow ratio (linear model)."),
    key("circuit[].feed_from", "string", "\"feed\" for the first circuit, else the previous circuit's continuing product", "\"feed\" or a [[tank]] name; each source feeds one circuit", "Where the circuit's lots come from."),
    key("circuit[].products", "table", "series: the outlet holding most of the next circuit's feed continues, the other is a product", "", "Destinations of the A (loaded organic) and B (raffinate) outlets."),
    key("circuit[].products.a", "string", "required in products", "a [[tank]] name, or any other name = a product sink (not \"feed\")", "Destination of the A outlet; a sink reports t REO/yr and purity."),
    key("circuit[].products.b", "string", "required in products", "a [[tank]] name, or any other name = a product sink (not \"feed\")", "Destination of the B outlet."),
    key("tank", "array of tables", "none", "", "Intermediate tanks joining circuits (a DAG). A tank accumulates outlet REO mass and releases lots of one feed lot's REO mass to the circuit it feeds; when full it blocks the circuits feeding it."),
    key("tank[].name", "string", "required", "unique, not \"feed\"", "Tank name used by feed_from and products."),
    key("tank[].capacity", "integer (lots)", "unbounded", "1 ..= 10^9", "Lots (of one feed lot's REO mass) the tank holds, queued plus accumulating."),
    key("line", "array of tables", "none", "", "Campaign lines: one physical line runs several circuits' separations in turn."),
    key("line[].name", "string", "required", "unique", "Line name."),
    key("line[].circuits", "array of circuit names", "required", "distinct circuits, each in at most one line; [] disables the line", "Circuits the line runs, in campaign order (the first runs first)."),
    key("line[].campaign_length", DUR, "required without switch_below", "> 0; not with switch_below", "Each campaign lasts this long; circuits take turns."),
    key("line[].switch_below", "integer (lots)", "required without campaign_length", "0 ..= 10^9; not with campaign_length", "Switch when the running circuit's source holds fewer lots (or a full tank blocks it) to the circuit with the fullest source."),
    key("line[].changeover", DUR, "0", ">= 0", "Flush and re-equilibration between campaigns; the line produces nothing meanwhile."),
    key("crew_pool", "array of tables", "none", "", "Repair crews shared by several circuits (circuit.failures.repair_crews_pool)."),
    key("crew_pool[].name", "string", "required", "unique", "Pool name."),
    key("crew_pool[].crews", "integer", "1", "1 ..= 1024", "Crews in the pool; failed trains wait FIFO."),
    key("finishing", "table", "none (products leave at once)", "", "Precipitation and calcination unit shared by all products, in batches of one lot's REO mass of one product."),
    key("finishing.capacity", "integer (batches)", "1", "1 ..= 10^6", "Batches in process at once."),
    key("finishing.residence", DIST, "required", "mean > 0", "Time one batch spends in the unit."),
    key("finishing.buffer", "integer (lots)", "unbounded", "1 ..= 10^9", "Product liquor (lots) that may wait; when full, circuits sending product block."),
    key("variant", "array of tables", "none", "", "Alternatives simulated with common random numbers against the base."),
    key("variant[].name", "string", "required", "unique", "Variant name."),
    key("variant[].*", "any", "", "a dotted key path, circuits by name", "Override, e.g. \"circuit.PrNd.trains\" = 4."),
    key("sweep", "table", "none", "", "Grid for `reesim sweep`."),
    key("sweep.*", "array", "", "a dotted key path = list of values", "Values of one swept key."),
];

/// Keys of a distribution table (under any key whose kind is a distribution).
#[rustfmt::skip]
pub const DIST_KEYS: &[KeyDoc] = &[
    key("dist", "string", "required", "\"fixed\", \"exponential\", \"lognormal\", \"gamma\", \"weibull\", \"uniform\", \"triangular\", \"empirical\"", "Distribution family."),
    key("value", DUR, "", "fixed", "The constant."),
    key("mean", DUR, "", "exponential, lognormal, gamma, weibull: > 0", "Mean."),
    key("cv", "number", "", "lognormal, gamma: >= 0 (gamma > 0)", "Coefficient of variation (sd / mean)."),
    key("shape", "number", "", "weibull: > 0", "Weibull shape k."),
    key("min", DUR, "", "uniform, triangular", "Lower bound."),
    key("mode", DUR, "", "triangular: min <= mode <= max", "Most likely value."),
    key("max", DUR, "", "uniform, triangular: > min", "Upper bound."),
    key("values", "array of durations", "", "empirical: non-empty", "Observed values, drawn with equal probability."),
];

const fn key(
    path: &'static str,
    kind: &'static str,
    default: &'static str,
    range: &'static str,
    doc: &'static str,
) -> KeyDoc {
    KeyDoc {
        path,
        kind,
        default,
        range,
        doc,
    }
}

/// The documented key at `pattern` (a path with `[]` for array elements), if any.
pub fn find(pattern: &str) -> Option<&'static KeyDoc> {
    KEYS.iter().find(|k| k.path == pattern)
}

/// Whether the key at `pattern` holds a distribution.
pub fn is_distribution(pattern: &str) -> bool {
    find(pattern).is_some_and(|k| k.kind == DIST)
}

/// The documented keys directly under `parent` (a pattern; "" for the top level), by last name.
pub fn children(parent: &str) -> Vec<&'static str> {
    KEYS.iter()
        .filter_map(|k| {
            let rest = if parent.is_empty() {
                Some(k.path)
            } else {
                k.path
                    .strip_prefix(parent)
                    .and_then(|r| r.strip_prefix('.'))
            }?;
            (!rest.contains('.') && !rest.contains('[')).then_some(rest)
        })
        .collect()
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance between two strings (by characters).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// The scenario reference as a Markdown table (the README embeds it verbatim).
pub fn reference_markdown() -> String {
    let mut out = String::from("| key | meaning | type and unit | default | allowed |\n");
    out += "|---|---|---|---|---|\n";
    for k in KEYS {
        let row = [k.doc, k.kind, k.default, k.range].join(" | ");
        out += &format!("| `{}` | {row} |\n", k.path);
    }
    out += "\nA distribution is a bare duration (a fixed value) or a table with these keys:\n\n";
    out += "| key | meaning | type and unit | applies to and allowed |\n|---|---|---|---|\n";
    for k in DIST_KEYS {
        out += &format!("| `{}` | {} | {} | {} |\n", k.path, k.doc, k.kind, k.range);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_get_suggestions() {
        assert_eq!(
            did_you_mean("tranis", &children("circuit[]")),
            Some("trains")
        );
        assert_eq!(
            did_you_mean("horizn", &children("simulation")),
            Some("horizon")
        );
        assert_eq!(did_you_mean("zzzzzzzz", &children("simulation")), None);
    }

    #[test]
    fn children_are_direct_keys_only() {
        let top = children("");
        assert!(top.contains(&"feed") && top.contains(&"circuit"));
        assert!(!top.contains(&"feed.interarrival"));
        assert!(children("circuit[].stages[]").contains(&"residence"));
    }
}
