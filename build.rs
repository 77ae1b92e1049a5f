//! Gives the shared library (`libveclite.so`) an ELF SONAME of `libveclite.so.<major>`, so that
//! programs linked against an installed `libveclite.so -> libveclite.so.<major> ->
//! libveclite.so.<version>` chain record the major version they need. The major version is the
//! first component of the package version (`0` for 0.x).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let family = std::env::var("CARGO_CFG_TARGET_FAMILY").unwrap_or_default();
    // ELF platforms only: Mach-O uses install names and Windows has no SONAME.
    if family == "unix" && !matches!(os.as_str(), "macos" | "ios" | "tvos" | "watchos" | "visionos") {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets CARGO_PKG_VERSION_MAJOR");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libveclite.so.{major}");
    }
}
