//! The `mlsysim-book` command line; all logic lives in the library.

/// mimalloc instead of the system allocator: evaluating a book makes many small allocations on
/// every core (attribute strings, printed text, records), and glibc's malloc took a quarter of the
/// time of `build` (measured with `perf`; see `cargo bench`). Built without transparent huge
/// pages (feature `no_thp`), which would otherwise double the peak memory of a build.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    match mlsysim_book::app::run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: cannot write the output: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
