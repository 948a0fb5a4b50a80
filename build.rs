//! Deflates the IAM service definitions (src/iam/actions.txt, 1.7 MB of text) so the binary
//! carries about 300 kB, one stream per service: a run inflates and indexes only the services its
//! catalog names (a dozen of some 450), not the whole table. Beside the streams, an index:
//! the table's lines before its first service, then one line per service,
//! `service<TAB>prefix<TAB>name<TAB>start<TAB>end` (the byte range of its stream).

use std::path::PathBuf;

/// A service's `service` line and the deflated lines after it.
type Block<'a> = (&'a str, Vec<u8>);

/// The header lines, and the services in table order.
fn split(text: &str) -> Result<(String, Vec<Block<'_>>), String> {
    let mut header = String::new();
    let mut services: Vec<(&str, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        if line.starts_with("service\t") {
            services.push((line.trim_end_matches('\n'), String::new()));
        } else if let Some((_, body)) = services.last_mut() {
            body.push_str(line);
        } else {
            header.push_str(line);
        }
    }
    if services.is_empty() {
        return Err("no service lines".into());
    }
    let blocks = services.into_iter().map(|(s, body)| (s, miniz_oxide::deflate::compress_to_vec(body.as_bytes(), 9)));
    Ok((header, blocks.collect()))
}

fn main() {
    let table = "src/iam/actions.txt";
    println!("cargo::rerun-if-changed={table}");
    let text = match std::fs::read_to_string(table) {
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
    let (mut index, blocks) = match split(&text) {
        Ok(parts) => parts,
        Err(e) => {
            println!("cargo::error={table}: {e}");
            return;
        }
    };
    let mut streams = Vec::new();
    for (line, block) in blocks {
        let start = streams.len();
        streams.extend_from_slice(&block);
        index.push_str(&format!("{line}\t{start}\t{}\n", streams.len()));
    }
    let out = PathBuf::from(out_dir);
    for (name, bytes) in [("actions.index", index.into_bytes()), ("actions.deflate", streams)] {
        if let Err(e) = std::fs::write(out.join(name), bytes) {
            println!("cargo::error=writing {name}: {e}");
        }
    }
}
