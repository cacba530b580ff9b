//! The `mlsysim-book` command line; all logic lives in the library.

fn main() {
    println!("mlsysim-book: under construction");
}
