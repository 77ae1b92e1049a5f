//! Chooses the kernel table once per process.

use std::sync::OnceLock;

use super::kernels::Kernels;
use super::scalar;

/// Environment variable naming the path to use instead of the best available one.
pub const ENV_OVERRIDE: &str = "VECLITE_SIMD";

static ACTIVE: OnceLock<Kernels> = OnceLock::new();

/// The kernel table in use, chosen on first call (see [`super::capabilities`]).
#[inline]
pub fn active() -> &'static Kernels {
    ACTIVE.get_or_init(|| {
        let request = std::env::var(ENV_OVERRIDE).ok();
        select(&available(), request.as_deref())
    })
}

/// Every kernel table this CPU supports, best first; the last entry is always "scalar".
pub fn available() -> Vec<Kernels> {
    let mut found = Vec::new();
    #[cfg(target_arch = "x86_64")]
    found.extend(super::x86_64::detect());
    #[cfg(target_arch = "aarch64")]
    found.extend(super::aarch64::detect());
    found.push(scalar::KERNELS);
    found
}

/// Pins the scalar path if no kernel has run yet. Returns whether the scalar path is active
/// afterwards: `false` means the choice was already made (by an earlier kernel call or by
/// [`ENV_OVERRIDE`]) for another path and stays in force for the life of the process.
pub fn force_scalar() -> bool {
    let chosen = ACTIVE.get_or_init(|| scalar::KERNELS);
    chosen.name() == scalar::KERNELS.name()
}

/// The table named by `request` (case-insensitive, surrounding spaces ignored) if it is
/// available, else the best available one.
pub(super) fn select(available: &[Kernels], request: Option<&str>) -> Kernels {
    let requested = request
        .map(str::trim)
        .and_then(|name| available.iter().find(|k| k.name().eq_ignore_ascii_case(name)));
    requested.or(available.first()).copied().unwrap_or(scalar::KERNELS)
}
