//! Dotted-path overrides of scenario keys, as variants and sweeps write them:
//! `"circuit.PrNd.trains" = 4`, `"circuit.PrNd.stages.0.capacity" = 1`. Circuits (any array of
//! named tables) are addressed by name or by index.

use super::error::FieldPath;
use super::schema;
use toml::{Table, Value};

/// One override: set the key at `key` (dotted) to `value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// Dotted key path as written, e.g. `circuit.PrNd.trains`.
    pub key: String,
    /// New value.
    pub value: Value,
    /// Where the override is written in the file (for error messages).
    pub origin: FieldPath,
}

/// A `[[variant]]`: a name and its overrides.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Variant name.
    pub name: String,
    /// Overrides in file order.
    pub overrides: Vec<Override>,
}

/// One axis of a `[sweep]` grid: a dotted key and the values it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepAxis {
    /// Dotted key path.
    pub key: String,
    /// Values in order.
    pub values: Vec<Value>,
    /// Where the axis is written in the file.
    pub origin: FieldPath,
}

type Problems = Vec<(FieldPath, String)>;

/// The `[[variant]]` tables of a scenario, checked for a unique name.
pub fn variants(root: &Table) -> Result<Vec<Variant>, Problems> {
    let Some(list) = root.get("variant").and_then(Value::as_array) else {
        return Ok(Vec::new());
    };
    let mut out: Vec<Variant> = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let path = FieldPath::default().key("variant").index(i);
        let table = item
            .as_table()
            .ok_or_else(|| vec![(path.clone(), "a variant must be a table".to_string())])?;
        let name = match table.get("name").and_then(Value::as_str) {
            Some(n) if !n.trim().is_empty() => n.to_string(),
            _ => {
                return Err(vec![(
                    path.key("name"),
                    "a variant needs a non-empty string `name`".into(),
                )]);
            }
        };
        if out.iter().any(|v| v.name == name) {
            return Err(vec![(
                path.key("name"),
                format!("duplicate variant name \"{name}\": names must be unique"),
            )]);
        }
        if let Some(k) = table.keys().find(|k| k.starts_with("simulation.")) {
            return Err(vec![(
                path.key(k),
                format!(
                    "a variant may not override `{k}`: every layout runs the base's [simulation] \
                     (the same horizon, warm-up, seed and replications, so replications pair); \
                     change it in [simulation] or with --set, --reps or --seed"
                ),
            )]);
        }
        let overrides = table
            .iter()
            .filter(|(k, _)| *k != "name")
            .map(|(k, v)| Override {
                key: k.clone(),
                value: v.clone(),
                origin: path.key(k),
            })
            .collect();
        out.push(Variant { name, overrides });
    }
    Ok(out)
}

/// The `[sweep]` axes of a scenario; each value must be a non-empty array.
pub fn sweep_axes(root: &Table) -> Result<Vec<SweepAxis>, Problems> {
    let Some(sweep) = root.get("sweep").and_then(Value::as_table) else {
        return Ok(Vec::new());
    };
    let mut axes = Vec::new();
    for (key, value) in sweep {
        let origin = FieldPath::default().key("sweep").key(key);
        match value.as_array() {
            Some(values) if !values.is_empty() => axes.push(SweepAxis {
                key: key.clone(),
                values: values.clone(),
                origin,
            }),
            _ => {
                return Err(vec![(
                    origin,
                    "a sweep axis must be a non-empty array of values".into(),
                )]);
            }
        }
    }
    Ok(axes)
}

/// Applies one override to a scenario table and returns the resolved field path
/// (circuit names replaced by indices).
pub fn apply(root: &mut Table, o: &Override) -> Result<FieldPath, String> {
    let parts: Vec<&str> = o.key.split('.').collect();
    descend(root, &parts, FieldPath::default(), o)
}

fn descend(
    table: &mut Table,
    parts: &[&str],
    path: FieldPath,
    o: &Override,
) -> Result<FieldPath, String> {
    let Some((first, rest)) = parts.split_first() else {
        return Err("empty key path".into());
    };
    if rest.is_empty() {
        return set(table, first, o, path);
    }
    let path = path.key(first);
    match table.get_mut(*first) {
        Some(Value::Table(t)) => descend(t, rest, path, o),
        Some(Value::Array(items)) if rest.len() == 1 && !items.iter().any(Value::is_table) => {
            // One element of an array of values, e.g. `separation.separation_factors.1`.
            let index = rest[0]
                .parse::<usize>()
                .ok()
                .filter(|i| *i < items.len())
                .ok_or_else(|| {
                    format!(
                        "`{}`: `{first}` has {} values; \"{}\" is not an index of one",
                        o.key,
                        items.len(),
                        rest[0]
                    )
                })?;
            if schema::find(&path.pattern()).is_none() {
                return Err(format!("`{}` sets unknown key `{}`", o.key, path.pattern()));
            }
            items[index] = o.value.clone();
            Ok(path.index(index))
        }
        Some(Value::Array(items)) => {
            let (selector, rest) = rest.split_first().unwrap_or((&"", &[]));
            let index = select(items, selector).ok_or_else(|| {
                format!("`{}`: no `{first}` named or numbered \"{selector}\"", o.key)
            })?;
            let element = items[index]
                .as_table_mut()
                .ok_or_else(|| format!("`{}`: `{first}` holds no tables", o.key))?;
            if rest.is_empty() {
                return Err(format!(
                    "`{}` names a whole `{first}` entry; name a key inside it",
                    o.key
                ));
            }
            descend(element, rest, path.index(index), o)
        }
        Some(_) => Err(format!("`{}`: `{first}` is not a table", o.key)),
        None => Err(format!(
            "`{}`: the scenario has no `{first}` to override",
            o.key
        )),
    }
}

/// Sets `key` in `table`, checking that the resolved path is a documented key.
fn set(table: &mut Table, key: &str, o: &Override, path: FieldPath) -> Result<FieldPath, String> {
    let path = path.key(key);
    let pattern = named_pattern(&path.pattern());
    let parent = pattern.rsplit_once('.').map_or("", |(p, _)| p);
    let known = schema::find(&pattern).is_some()
        || (schema::is_distribution(parent) && schema::DIST_KEYS.iter().any(|k| k.path == key))
        || parent == "feed.composition";
    if !known {
        let hint = schema::did_you_mean(key, &schema::children(parent))
            .map_or(String::new(), |b| format!("; did you mean `{b}`?"));
        return Err(format!("`{}` sets unknown key `{pattern}`{hint}", o.key));
    }
    table.insert(key.to_string(), o.value.clone());
    Ok(path)
}

/// A pattern with the name of a `[product.NAME]` table replaced by `*`, as the schema lists it.
fn named_pattern(pattern: &str) -> String {
    match pattern
        .strip_prefix("product.")
        .and_then(|r| r.split_once('.'))
    {
        Some((_, rest)) => format!("product.*.{rest}"),
        None => pattern.to_string(),
    }
}

/// The index of the element of an array of tables selected by name (`name = ...`) or index.
fn select(items: &[Value], selector: &str) -> Option<usize> {
    let by_name = items
        .iter()
        .position(|v| v.get("name").and_then(Value::as_str) == Some(selector));
    by_name.or_else(|| selector.parse::<usize>().ok().filter(|i| *i < items.len()))
}
