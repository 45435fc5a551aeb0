//! Finds where a field path stands in the scenario text, for error messages.

use super::error::{FieldPath, Segment};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// 1-based (line, column) of a byte offset in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The byte offset of the field at `path` in the parsed document: the key of a table entry,
/// or the value of an array element. A path that does not exist resolves to its deepest
/// existing ancestor; `None` only if nothing of it exists.
pub fn offset_of(root: &DeTable<'_>, path: &FieldPath) -> Option<usize> {
    let mut found = None;
    let mut table = Some(root);
    let mut value: Option<&Spanned<DeValue<'_>>> = None;
    for segment in &path.0 {
        let next = match segment {
            Segment::Key(k) => table
                .and_then(|t| t.get_key_value(k.as_str()))
                .map(|(key, v)| (key.span().start, v)),
            Segment::Index(i) => value
                .and_then(|v| v.get_ref().as_array())
                .and_then(|a| a.as_ref().get(*i))
                .map(|v| (v.span().start, v)),
        };
        let Some((offset, v)) = next else { break };
        found = Some(offset);
        value = Some(v);
        table = v.get_ref().as_table();
    }
    found
}
