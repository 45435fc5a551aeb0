//! The unknown-key check: every key in the file must be in the schema, else an error with the
//! closest known key as a suggestion.

use super::error::FieldPath;
use super::schema::{self, DIST_KEYS};
use toml::de::{DeTable, DeValue};

/// Free-form tables whose keys the schema does not list one by one.
const FREE_FORM: &[&str] = &["feed.composition", "sweep", "variant[]"];

/// Every unknown key in the document, with a message that suggests the closest known key.
pub fn unknown_keys(root: &DeTable<'_>) -> Vec<(FieldPath, String)> {
    let mut found = Vec::new();
    walk(root, &FieldPath::default(), &mut found);
    found
}

fn walk(table: &DeTable<'_>, path: &FieldPath, found: &mut Vec<(FieldPath, String)>) {
    let parent = path.pattern();
    if FREE_FORM.contains(&parent.as_str()) {
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
            DeValue::Table(t) => walk(t, &child, found),
            DeValue::Array(items) => {
                for (i, item) in items.as_ref().iter().enumerate() {
                    if let DeValue::Table(t) = item.get_ref() {
                        walk(t, &child.index(i), found);
                    }
                }
            }
            _ => {}
        }
    }
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
