//! The unknown-key check: every key in the file must be in the schema, else an error with the
//! closest known key as a suggestion.

use super::error::FieldPath;
use super::schema::{self, DIST_KEYS};
use toml::de::{DeTable, DeValue};

/// Free-form tables whose keys the schema does not list one by one.
const FREE_FORM: &[&str] = &["feed.composition", "sweep", "variant[]", "uncertainty"];

/// Every unknown key in the document, with a message that suggests the closest known key.
pub fn unknown_keys(root: &DeTable<'_>) -> Vec<(FieldPath, String)> {
    let mut found = Vec::new();
    walk(root, &FieldPath::default(), None, &mut found);
    found
}

/// Tables whose keys are names the user chooses (`[product.Nd2O3]`): each entry's keys are
/// checked against the schema under `NAME.*`.
const NAMED: &[&str] = &["product"];

fn walk(
    table: &DeTable<'_>,
    path: &FieldPath,
    pattern: Option<String>,
    found: &mut Vec<(FieldPath, String)>,
) {
    let parent = pattern.unwrap_or_else(|| path.pattern());
    if FREE_FORM.contains(&parent.as_str()) {
        return;
    }
    if NAMED.contains(&parent.as_str()) {
        for (key, value) in table.iter() {
            let child = path.key(key.get_ref());
            match value.get_ref() {
                DeValue::Table(t) => walk(t, &child, Some(format!("{parent}.*")), found),
                _ => found.push((
                    child,
                    format!(
                        "`{parent}.{}` must be a table such as [{parent}.{}]",
                        key.get_ref(),
                        key.get_ref()
                    ),
                )),
            }
        }
        return;
    }
    let allowed: Vec<&str> = if schema::is_distribution(&parent) {
        DIST_KEYS.iter().map(|k| k.path).collect()
    } else {
        schema::children(&parent)
    };
    for (key, value) in table.iter() {
        let key: &str = key.get_ref();
        let child = path.key(key);
        if !allowed.contains(&key) {
            found.push((child, unknown_message(key, &parent, &allowed)));
            continue;
        }
        match value.get_ref() {
            DeValue::Table(t) => walk(t, &child, sub(&parent, key), found),
            DeValue::Array(items) => {
                for (i, item) in items.as_ref().iter().enumerate() {
                    if let DeValue::Table(t) = item.get_ref() {
                        walk(
                            t,
                            &child.index(i),
                            sub(&parent, key).map(|p| p + "[]"),
                            found,
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

/// The schema pattern of `key` under a `NAME.*` pattern (None elsewhere: the path's own).
fn sub(parent: &str, key: &str) -> Option<String> {
    parent.contains('*').then(|| format!("{parent}.{key}"))
}

fn unknown_message(key: &str, parent: &str, allowed: &[&str]) -> String {
    let place = if parent.is_empty() {
        "at the top level".to_string()
    } else {
        format!("in `{parent}`")
    };
    let hint = match schema::did_you_mean(key, allowed) {
        Some(best) => format!("; did you mean `{best}`?"),
        None => String::new(),
    };
    format!(
        "unknown key `{key}` {place}{hint} (allowed: {})",
        allowed.join(", ")
    )
}
