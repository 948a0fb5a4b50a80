//! Deflates the IAM service definitions (src/iam/actions.txt, 1.7 MB of text) so the binary
//! carries about 250 kB; src/iam/mod.rs inflates them once per run.

use std::path::PathBuf;

fn main() {
    let table = "src/iam/actions.txt";
    println!("cargo::rerun-if-changed={table}");
    let text = match std::fs::read(table) {
        Ok(t) => t,
        Err(e) => {
            println!("cargo::error=reading {table}: {e}");
            return;
        }
    };
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        println!("cargo::error=OUT_DIR is not set");
        return;
    };
    let out = PathBuf::from(out_dir).join("actions.txt.deflate");
    if let Err(e) = std::fs::write(&out, miniz_oxide::deflate::compress_to_vec(&text, 9)) {
        println!("cargo::error=writing {}: {e}", out.display());
    }
}
