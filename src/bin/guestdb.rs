fn main() -> std::process::ExitCode {
    guestdb::cli::main()
}
