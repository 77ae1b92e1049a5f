//! The checked-in C header is exactly what cbindgen generates from `src/ffi`, and its version
//! macros match Cargo.toml. Regenerate with `make header` (sets `VECLITE_BLESS_HEADER=1`).

use std::path::Path;

fn generate() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml parses");
    let mut out = Vec::new();
    cbindgen::Builder::new()
        .with_crate(root)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut out);
    String::from_utf8(out).expect("header is UTF-8")
}

#[test]
fn header_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("include/veclite.h");
    let fresh = generate();
    if std::env::var_os("VECLITE_BLESS_HEADER").is_some() {
        std::fs::write(&path, &fresh).expect("write header");
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(checked_in == fresh, "include/veclite.h is stale: run `make header` and commit it");
}

#[test]
fn version_macros_match_cargo_toml() {
    let header = generate();
    let number = |name: &str| -> u32 {
        let line = header.lines().find(|l| l.starts_with(&format!("#define {name} "))).unwrap();
        line.split_whitespace().nth(2).unwrap().parse().unwrap()
    };
    let version: Vec<u32> = env!("CARGO_PKG_VERSION").split('.').map(|p| p.parse().unwrap()).collect();
    assert_eq!(
        [number("VECLITE_VERSION_MAJOR"), number("VECLITE_VERSION_MINOR"), number("VECLITE_VERSION_PATCH")],
        [version[0], version[1], version[2]]
    );
    // SAFETY: veclite_version returns a static NUL-terminated string.
    let runtime = unsafe { std::ffi::CStr::from_ptr(veclite::ffi::veclite_version()) };
    assert_eq!(runtime.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
}

#[test]
fn every_macro_and_type_is_prefixed() {
    let header = generate();
    for line in header.lines() {
        if let Some(rest) = line.strip_prefix("#define ") {
            assert!(rest.starts_with("VECLITE_"), "unprefixed macro in the header: {line}");
        }
        if let Some(rest) = line.strip_prefix("typedef struct ") {
            assert!(rest.starts_with("veclite_"), "unprefixed type in the header: {line}");
        }
    }
}
