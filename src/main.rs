//! The `mlsysim-book` command line; all logic lives in the library.

fn main() {
    match mlsysim_book::registry::load::embedded() {
        Ok(r) => println!(
            "ok: {} hardware, {} models, {} leaves",
            r.hardware.len(),
            r.models.len(),
            r.leaves.len()
        ),
        Err(d) => eprintln!("{d}"),
    }
}
