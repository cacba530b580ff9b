//! Embeds the `registry/` and `templates/` folders into the binary as (relative path, text) pairs.

use std::path::Path;

fn collect(root: &Path, dir: &Path, ext: &str, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read registry dir")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            collect(root, &p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            let rel = p.strip_prefix(root).expect("under root");
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push(format!(
                "({rel:?}, include_str!({:?})),",
                p.canonicalize().expect("canonical path")
            ));
        }
    }
}

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("manifest dir");
    for (dir, ext, file) in [
        ("registry", "toml", "embedded_registry.rs"),
        ("templates", "j2", "embedded_templates.rs"),
    ] {
        let root = Path::new(&manifest).join(dir);
        println!("cargo:rerun-if-changed={dir}");
        let mut items = Vec::new();
        collect(&root, &root, ext, &mut items);
        let code = format!(
            "/// Files compiled into the binary.\npub const FILES: &[(&str, &str)] = &[\n{}\n];\n",
            items.join("\n")
        );
        let out = Path::new(&std::env::var("OUT_DIR").expect("out dir")).join(file);
        std::fs::write(out, code).expect("write embedded files");
    }
}
