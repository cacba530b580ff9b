//! The `mlsysim-book` command line; all logic lives in the library.

fn main() {
    std::process::exit(mlsysim_book::cli::main());
}
