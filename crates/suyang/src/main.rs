//! `suyang`: the platform in one binary. With no arguments it serves on 127.0.0.1:8080 with an
//! embedded SQLite database under `./data/`.

mod cli;
mod commands;
mod config;

use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("suyang: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("suyang: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
