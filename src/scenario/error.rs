//! Scenario errors: which file, which field, where in the file, what was wrong, what is allowed.

use std::fmt;

/// One step of a field path: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A key of a table.
    Key(String),
    /// An element of an array.
    Index(usize),
}

/// A path to a field, e.g. `circuit[0].stages[1].residence.mean`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldPath(pub Vec<Segment>);

impl FieldPath {
    /// The path one key below this one.
    pub fn key(&self, key: &str) -> FieldPath {
        let mut segments = self.0.clone();
        segments.push(Segment::Key(key.to_string()));
        FieldPath(segments)
    }

    /// The path one array element below this one.
    pub fn index(&self, index: usize) -> FieldPath {
        let mut segments = self.0.clone();
        segments.push(Segment::Index(index));
        FieldPath(segments)
    }

    /// Parses a dotted path as written in the scenario (`a.b[2].c`, or `a.b.2.c`).
    pub fn parse_dotted(text: &str) -> FieldPath {
        let mut segments = Vec::new();
        for part in text.split('.') {
            let (name, indices) = part.split_once('[').unwrap_or((part, ""));
            if let Ok(i) = name.parse::<usize>() {
                segments.push(Segment::Index(i));
            } else if !name.is_empty() {
                segments.push(Segment::Key(name.to_string()));
            }
            for index in indices.split('[') {
                if let Ok(i) = index.trim_end_matches(']').parse() {
                    segments.push(Segment::Index(i));
                }
            }
        }
        FieldPath(segments)
    }

    /// The schema pattern of this path: indices become `[]`.
    pub fn pattern(&self) -> String {
        let mut out = String::new();
        for segment in &self.0 {
            match segment {
                Segment::Key(k) if out.is_empty() => out += k,
                Segment::Key(k) => {
                    out.push('.');
                    out += k;
                }
                Segment::Index(_) => out += "[]",
            }
        }
        out
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let mut first = true;
        for segment in &self.0 {
            match segment {
                Segment::Key(k) => {
                    let dot = if first { "" } else { "." };
                    if k.contains('.') || k.contains(' ') {
                        write!(f, "{dot}\"{k}\"")?
                    } else {
                        write!(f, "{dot}{k}")?
                    }
                }
                Segment::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

/// One problem in a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    /// The file as the user named it.
    pub file: String,
    /// The field the problem is about (empty for a syntax error).
    pub path: FieldPath,
    /// 1-based line and column in the file, where known.
    pub position: Option<(usize, usize)>,
    /// What is wrong: the bad value and the allowed range or choices.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        if !self.path.0.is_empty() {
            write!(f, ": {}", self.path)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// All problems found in one file (at least one).
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl From<ScenarioErrors> for crate::Error {
    fn from(errors: ScenarioErrors) -> Self {
        crate::Error::Input(errors.to_string())
    }
}
