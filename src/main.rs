//! The `reesim` command: parses arguments, runs the library, maps errors to exit codes.
fn main() -> std::process::ExitCode {
    reesim::cli::main()
}
