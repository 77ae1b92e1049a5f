//! AArch64 kernels: NEON (Advanced SIMD, part of every AArch64 baseline).

mod neon;
mod types;

use super::kernels::Kernels;

/// Kernel tables this CPU supports, best first.
pub(super) fn detect() -> Vec<Kernels> {
    if std::arch::is_aarch64_feature_detected!("neon") { vec![neon::KERNELS] } else { Vec::new() }
}
