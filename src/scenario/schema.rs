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
const RATE: &str = "rate (number = t REO/h, or \"5000 t/yr\", \"14 t/d\", \"570 kg/h\")";
const PRICE_MASS: &str = "money per mass (number = currency/kg, or \"60 USD/kg\", \"2500 USD/t\")";
const AMOUNT: &str = "amount (number = t REO, or \"40 t\", or a duration such as \"8 h\")";

/// The keys, in the order the README lists them.
#[rustfmt::skip]
pub const KEYS: &[KeyDoc] = &[
    key("name", "string", "file name", "any", "Scenario name shown in reports."),
    key("description", "string", "none", "any", "Free text shown in reports."),
    key("simulation", "table", "defaults below", "", "Run length and statistics."),
    key("simulation.horizon", DUR, "365 d", "> 0 and <= 1e6 h (114 yr)", "Simulated time per replication."),
    key("simulation.warmup", "duration or \"auto\"", "0", ">= 0 and < horizon, or \"auto\" (MSER-5)", "Start of the statistics window."),
    key("simulation.replications", "integer", "10", "1 ..= 10000", "Independent replications."),
    key("simulation.seed", "integer", "1", "0 ..= 2^63-1", "Root of every random stream."),
    key("feed", "table", "required", "", "The feed source and its surge tank."),
    key("feed.rate", RATE, "required", "> 0 and <= 1e4 t/h (87.6 Mt/yr)", "REO delivered by the upstream plant while it runs."),
    key("feed.composition", "table {element = fraction}", "from the first circuit's separation", "fractions >= 0 summing to 1 (+-1e-6)", "REO mass fractions of the feed."),
    key("feed.composition.*", "number", "", "0 ..= 1", "REO mass fraction of one element (La..Lu, Y, Sc)."),
    key("feed.tank_capacity", AMOUNT, "unbounded", "> 0", "Working capacity of the feed tank; a duration means that many hours of feed at `rate`."),
    key("feed.when_full", "string", "\"hold\"", "\"hold\", \"lose\"", "Feed that finds the tank full is held back upstream (counted as held back) or lost."),
    key("feed.failure", "table", "none", "", "Upstream outages: no feed while one lasts."),
    key("feed.failure.time_to_failure", DIST, "required", "mean > 0", "Time between outages."),
    key("feed.failure.time_to_repair", DIST, "required", "mean > 0", "Length of an outage."),
    key("circuit", "array of tables", "at least one", "", "Circuits; without feed_from/products they run in series in file order."),
    key("circuit[].name", "string", "required", "unique", "Circuit name; variants address it as circuit.NAME."),
    key("circuit[].trains", "integer", "1", "1 ..= 1024", "Identical parallel trains installed."),
    key("circuit[].design_rate", RATE, "the feed reaching the circuit / trains", "> 0 and <= 1e4 t/h", "Design feed of one train; organic and scrub flows follow the feed, so purity stays at design from min_rate to max_rate."),
    key("circuit[].max_rate", "number (multiple of design_rate)", "1.0", "> 0", "Hydraulic limit of one train."),
    key("circuit[].min_rate", "number (multiple of design_rate)", "0.3", "0 ..= min(1, max_rate)", "Turndown: a circuit asked for less idles (full and loaded) until its source holds 8 h of turndown flow."),
    key("circuit[].dispatch", "string", "\"even\"", "\"even\", \"fill\"", "How flow is shared among running trains: equal shares up to each maximum, or in train order."),
    key("circuit[].stage_residence", DUR, "25 min", "> 0", "Residence of each phase in one mixer-settler stage; sets the hold-up (inventory) of a train."),
    key("circuit[].stages", "integer", "the separation's stages", "1 ..= 100000; only without a separation", "Stages of a train without [circuit.separation] (for per-stage failures and hold-up)."),
    key("circuit[].repair_crews", "integer", "one per failure", "1 ..= 1024", "Crews shared by the circuit's trains; repairs wait FIFO."),
    key("circuit[].repair_crews_pool", "string", "none (the circuit's own crews)", "a [[crew_pool]] name; not with repair_crews", "Repairs wait for a crew of this plant-wide pool instead."),
    key("circuit[].restart", "\"dynamic\", \"none\" or a duration", "\"dynamic\" with a separation, else \"none\"", "\"dynamic\" needs a separation; duration >= 0", "After any stop of d hours a train's products are off-spec for t_off(d): from the cascade dynamics judged against the product specs (\"dynamic\"), or product liquor is diverted off-spec for a fixed time."),
    key("circuit[].off_spec", "string", "\"recycle\"", "\"recycle\", \"scrap\"", "Off-spec batches (and diverted liquor) go back to the circuit's source tank or out of the plant."),
    key("circuit[].failure", "array of tables", "none", "", "Failure modes of the circuit's trains."),
    key("circuit[].failure[].name", "string", "required", "any", "Name used in the loss attribution."),
    key("circuit[].failure[].per", "string", "\"train\"", "\"train\", \"stage\"", "One clock per train, or every stage of a train fails independently."),
    key("circuit[].failure[].effect", "string", "\"stop\"", "\"stop\", \"derate\", \"bypass\"", "Stop the train (a restart transient follows), lower its maximum to derate_to, or bypass the failed stage (per = \"stage\"; purity of the shortened cascade)."),
    key("circuit[].failure[].derate_to", "number (multiple of design_rate)", "required with effect = \"derate\"", "> 0 and < max_rate", "The train's maximum while the failure lasts."),
    key("circuit[].failure[].time_to_failure", DIST, "required", "mean > 0", "Operating time to failure of one clock (a stopped train does not wear)."),
    key("circuit[].failure[].time_to_repair", DIST, "required", "mean > 0", "Repair time once a crew works on it."),
    key("circuit[].maintenance", "array of tables", "none", "", "Planned shutdowns of each train."),
    key("circuit[].maintenance[].interval", DUR, "required", "> 0", "Time between the starts of two shutdowns of one train."),
    key("circuit[].maintenance[].duration", DUR, "required", "> 0 and < interval", "Length of a shutdown."),
    key("circuit[].maintenance[].stagger", "boolean", "true", "true, false", "Train k of K starts at (k + 1/2) interval / K; false: all at interval / 2."),
    key("circuit[].separation", "table", "none (a pass-through unit)", "", "The SX split the circuit makes (chemistry)."),
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
    key("circuit[].contactor", "string", "\"mixer-settler\"", "\"mixer-settler\", \"centrifugal\"", "What each stage is built as, for the capital cost: a mixer-settler costed by its volume, or a centrifugal contactor costed by its throughput."),
    key("circuit[].feed_from", "string", "\"feed\" for the first circuit, else the previous circuit's continuing product", "\"feed\" or a [[tank]] name; each source feeds one circuit", "Where the circuit's feed comes from."),
    key("circuit[].products", "table", "series: the outlet holding most of the next circuit's feed continues, the other is a product", "", "Destinations of the A (loaded organic) and B (raffinate) outlets."),
    key("circuit[].products.a", "string", "required in products", "a [[tank]] name, or any other name = a product sink (not \"feed\")", "Destination of the A outlet."),
    key("circuit[].products.b", "string", "required in products", "a [[tank]] name, or any other name = a product sink (not \"feed\")", "Destination of the B outlet."),
    key("product", "tables [product.NAME]", "none (every batch sells)", "", "Sales specs of the product sinks, by sink name."),
    key("product.*", "table", "", "a product sink name", "One product's sales spec."),
    key("product.*.min_purity", "number (mole fraction of total REE)", "none (every batch sells)", "0 < x < 1, at most the steady-state purity", "A batch sells if its blended purity reaches this."),
    key("product.*.price", PRICE_MASS, "the built-in price of its key elements' oxides", ">= 0 and <= 1e12", "Price of one kg of on-spec product REO."),
    key("product.*.batch", AMOUNT, "24 h of design output", "> 0", "Batch size; liquor is judged per batch on its blended purity."),
    key("tank", "array of tables", "none", "", "Intermediate tanks joining circuits (a DAG): a level with a well-mixed composition; full, it slows the circuits feeding it; empty, it starves the circuit it feeds."),
    key("tank[].name", "string", "required", "unique, not \"feed\"", "Tank name used by feed_from and products."),
    key("tank[].capacity", AMOUNT, "unbounded", "> 0", "Working capacity; a duration means that many hours of its design inflow."),
    key("line", "array of tables", "none", "", "Campaign lines: one physical line runs several circuits' separations in turn."),
    key("line[].name", "string", "required", "unique", "Line name."),
    key("line[].circuits", "array of circuit names", "required", "distinct circuits, each in at most one line; [] disables the line", "Circuits the line runs, in campaign order (the first runs first)."),
    key("line[].campaign_length", DUR, "required without switch_below", "> 0; not with switch_below", "Each campaign lasts this long; circuits take turns."),
    key("line[].switch_below", AMOUNT, "required without campaign_length", "> 0; not with campaign_length", "Switch when the running circuit's source holds less (or it is blocked) to the circuit with the fullest source; a duration means hours of the first circuit's design feed."),
    key("line[].changeover", DUR, "0", ">= 0", "Flush and re-equilibration between campaigns; the line produces nothing meanwhile."),
    key("line[].changeover_start", "string", "\"stored\"", "\"stored\", \"naive\"", "The next circuit restarts from its stored profile (a restart after a stop as long as it was parked) or from a naive start."),
    key("crew_pool", "array of tables", "none", "", "Repair crews shared by several circuits (circuit.repair_crews_pool)."),
    key("crew_pool[].name", "string", "required", "unique", "Pool name."),
    key("crew_pool[].crews", "integer", "1", "1 ..= 1024", "Crews in the pool; failed trains wait FIFO."),
    key("finishing", "table", "none (batches sell at once)", "", "Precipitation and calcination unit: each on-spec batch passes through it before it sells."),
    key("finishing.capacity", "integer (batches)", "1", "1 ..= 10^6", "Batches in process at once."),
    key("finishing.residence", DIST, "required", "mean > 0", "Time one batch spends in the unit."),
    key("economics", "table", "none (tonnes and on-spec value only)", "", "Capital and operating cost, NPV, IRR and levelised cost per layout. Defaults and their sources: docs/sources.md section 6."),
    key("economics.currency", "string", "\"USD\"", "\"USD\"", "Currency of every amount (the built-in cost data is in USD)."),
    key("economics.cost_year", "integer", "2023", "2016 ..= 2023 (years with a built-in CEPCI)", "Every cost is escalated to this year by the Chemical Engineering Plant Cost Index."),
    key("economics.discount_rate", "number (fraction/yr)", "0.08", "0 ..= 1", "Real discount rate of the NPV."),
    key("economics.life", "integer (yr)", "15", "1 ..= 100", "Operating years after the build year (year 0)."),
    key("economics.tax_rate", "number (fraction)", "0", "0 ..= 0.99", "Tax on positive income after straight-line depreciation."),
    key("economics.startup", "string", "\"preloaded\"", "\"preloaded\", \"naive\"", "First year: trains loaded with their steady profile (on-spec at once), or started barren (the dynamic model's time to on-spec is lost)."),
    key("economics.feed_price", PRICE_MASS, "feed_payability x contained value", ">= 0 and <= 1e12", "Price paid per kg of feed REO."),
    key("economics.feed_payability", "number (fraction)", "0.5", "0 ..= 1", "Share of the feed's contained value at built-in oxide prices paid for it (when feed_price is absent)."),
    key("economics.scrap_price", PRICE_MASS, "0", ">= 0 and <= 1e12", "Value of scrapped off-spec REO per kg."),
    key("economics.installation_factor", "number", "2.97", "1 ..= 10", "Installed cost / bare equipment cost (PrOMMiS effective Lang factor)."),
    key("economics.operators_per_train", "number", "1", "0 ..= 100", "Operator positions per installed train, staffed around the clock."),
    key("economics.operators_per_circuit", "number", "1", "0 ..= 100", "Operator positions per circuit besides its trains."),
    key("economics.shift_crews", "number", "4.5", "1 ..= 10", "People per around-the-clock position."),
    key("economics.operator_cost", "money per year (number = currency/yr, or \"93600 USD/yr\")", "93600 USD/yr", ">= 0 and <= 1e12", "Loaded cost of one operator."),
    key("economics.power_per_volume", "number (kW/m^3)", "0.1", "0 ..= 100", "Mixing power per m^3 of installed stage volume while a train runs."),
    key("economics.power_price", "money per kWh (number = currency/kWh, or \"80 USD/MWh\")", "0.08 USD/kWh", ">= 0 and <= 1e12", "Electricity price."),
    key("economics.maintenance_fraction", "number (fraction/yr)", "0.02", "0 ..= 1", "Maintenance cost per year as a fraction of installed equipment cost."),
    key("economics.repair_cost", "money (number = currency, or \"5000 USD\")", "5000 USD", ">= 0 and <= 1e12", "Cost of one repair of a failure (parts, call-out), besides the yearly maintenance fraction."),
    key("economics.base", "string", "\"NaOH\"", "\"NaOH\", \"NH3\"", "Saponification base: 3 mol per mol REE loaded into the organic."),
    key("economics.base_price", PRICE_MASS, "0.45 USD/kg", ">= 0 and <= 1e12", "Base price, 100 % basis."),
    key("economics.acid_price", PRICE_MASS, "0.715 USD/kg", ">= 0 and <= 1e12", "HCl price, 100 % basis: 3 mol per mol REE back-extracted, plus acid_excess."),
    key("economics.acid_excess", "number (fraction)", "0.1", "0 ..= 10", "Acid used above the stoichiometric 3 mol per mol REE."),
    key("economics.extractant_price", PRICE_MASS, "15 USD/kg", ">= 0 and <= 1e12", "Extractant price (first fill and losses)."),
    key("economics.diluent_price", "money per volume (number = currency/L, or \"320 USD/m3\")", "0.32 USD/L", ">= 0 and <= 1e12", "Diluent price."),
    key("economics.entrainment", "number (L organic per m^3 aqueous)", "0.05 (50 ppm)", "0 ..= 100", "Organic lost with the aqueous leaving."),
    key("economics.feed_concentration", "number (mol REE/L)", "1.5", "> 0", "REE in the aqueous feed: sets the feed's volume."),
    key("economics.organic_loading", "number (mol REE/L)", "0.2", "> 0", "REE loaded in the organic: sets the organic flow (S x feed / loading)."),
    key("economics.acid_concentration", "number (mol HCl/L)", "4", "> 0", "Scrub and strip acid strength: sets their volume."),
    key("economics.extractant_concentration", "number (mol/L)", "1.5", "0 ..= 3.2", "Extractant in the organic (P507, 306.42 g/mol, 0.95 kg/L)."),
    key("uncertainty", "table", "none", "", "Uncertain inputs: each replication draws one value of each (the same draw in every layout) and rebuilds chemistry, plant and money at them; `reesim tornado` swings each alone."),
    key("uncertainty.*", "table {dist, ...}", "", "a dotted key path (as in a variant, array elements by index, e.g. \"circuit.PrNd.separation.separation_factors.1\") = { dist = \"triangular\", min, mode, max } | { dist = \"uniform\", min, max } | { dist = \"normal\", mean, sd } | { dist = \"lognormal\", mean, cv }; values numbers or numbers with the key's unit (\"400 h\", \"55 USD/kg\")", "One uncertain input and its distribution; checked at both ends of its range."),
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
        assert!(!top.contains(&"feed.rate"));
        assert!(children("circuit[].failure[]").contains(&"derate_to"));
    }
}
