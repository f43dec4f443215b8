fn main() -> std::process::ExitCode {
    onewindow::cli::main()
}
