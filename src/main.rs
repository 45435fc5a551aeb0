//! The `reesim` command: parses arguments, runs the library, maps errors to exit codes.
fn main() -> std::process::ExitCode {
    // A panic is reesim's fault: one line on standard error and exit code 1 (the contract),
    // with a backtrace only when RUST_BACKTRACE asks for one.
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_string());
        let place = info
            .location()
            .map_or(String::new(), |l| format!(" at {}:{}", l.file(), l.line()));
        eprintln!("error: internal error: {message}{place} (please report it)");
        if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
            eprintln!("{}", std::backtrace::Backtrace::force_capture());
        }
        std::process::exit(1);
    }));
    reesim::cli::main()
}
