//! The README says what the program does: its default output block is what `reesim run` prints,
//! its commands table has one row per subcommand naming only flags that exist, and every
//! shipped file it names exists.

use super::{DEFAULT_SCENARIO, reesim};

const README: &str = include_str!("../../README.md");

const COMMANDS: [&str; 10] = [
    "run", "compare", "sweep", "merge", "allocate", "cascade", "design", "check", "tornado",
    "sequence",
];

#[test]
fn the_default_output_block_is_what_run_prints() {
    let start = README
        .find("```text\nreesim ")
        .expect("default output block")
        + "```text\n".len();
    let end = start + README[start..].find("```").expect("block end");
    let out = reesim(&["run", DEFAULT_SCENARIO]);
    assert!(out.status.success());
    assert_eq!(
        &README[start..end],
        String::from_utf8(out.stdout).unwrap(),
        "README default output is stale: paste the output of \
         `reesim run scenarios/ndpr-parallel-trains.toml`"
    );
}

/// The commands table's row of `command`.
fn row(command: &str) -> &'static str {
    let marker = format!("| `reesim {command} ");
    let rows: Vec<&str> = README.lines().filter(|l| l.starts_with(&marker)).collect();
    assert_eq!(rows.len(), 1, "one README row for `reesim {command}`");
    rows[0]
}

#[test]
fn the_commands_table_has_one_row_per_command_with_real_flags() {
    let help = reesim(&["--help"]);
    let help = String::from_utf8(help.stdout).unwrap();
    for command in COMMANDS {
        assert!(
            help.contains(&format!("  {command} ")),
            "`{command}` is a subcommand"
        );
        let flags = String::from_utf8(reesim(&["help", command]).stdout).unwrap();
        for word in row(command).split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
            if let Some(flag) = word.strip_prefix("--") {
                assert!(
                    flags.contains(&format!("--{flag} ")) || flags.contains(&format!("--{flag}\n")),
                    "README row of `{command}` names --{flag}, which `reesim help {command}` lacks"
                );
            }
        }
    }
    let rows = README
        .lines()
        .filter(|l| l.starts_with("| `reesim "))
        .count();
    assert_eq!(
        rows,
        COMMANDS.len(),
        "no row for a command that does not exist"
    );
}

#[test]
fn every_shipped_file_the_readme_names_exists() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut named = 0;
    for prefix in ["scenarios/", "docs/"] {
        for (i, _) in README.match_indices(prefix) {
            let path: String = README[i..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "/-_.".contains(*c))
                .collect();
            let path = path.trim_end_matches('.');
            if path.ends_with(".toml") || path.ends_with(".md") {
                named += 1;
                assert!(
                    std::path::Path::new(root).join(path).is_file(),
                    "README names {path}, which is not in the repository"
                );
            }
        }
    }
    assert!(
        named >= 8,
        "the README names the shipped scenarios ({named} found)"
    );
}
