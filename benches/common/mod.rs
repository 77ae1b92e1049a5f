//! Code shared by the benchmarks.

/// The memory-bandwidth baseline of the scan benchmarks: a wrapping integer sum of the bit
/// patterns of `data`, a pure load stream with no floating-point latency chain (AVX-512 when the
/// CPU has it).
pub fn read_sum(data: &[f32]) -> u32 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: AVX-512F is available (checked above).
        return unsafe { read_sum_avx512(data) };
    }
    let mut acc = [0u32; 16];
    let mut chunks = data.chunks_exact(16);
    for chunk in &mut chunks {
        for (a, x) in acc.iter_mut().zip(chunk) {
            *a = a.wrapping_add(x.to_bits());
        }
    }
    let tail = chunks.remainder().iter().fold(0u32, |s, x| s.wrapping_add(x.to_bits()));
    acc.iter().fold(tail, |s, &a| s.wrapping_add(a))
}

/// # Safety
/// The CPU supports AVX-512F.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn read_sum_avx512(data: &[f32]) -> u32 {
    use std::arch::x86_64::*;
    let p = data.as_ptr().cast::<i32>();
    let n = data.len();
    let mut acc = [_mm512_setzero_si512(); 8];
    let mut i = 0;
    // SAFETY: every load reads [i, i + 128) with i + 128 <= n.
    unsafe {
        while i + 128 <= n {
            for (k, a) in acc.iter_mut().enumerate() {
                *a = _mm512_add_epi32(*a, _mm512_loadu_si512(p.add(i + 16 * k).cast()));
            }
            i += 128;
        }
    }
    let mut s = acc.iter().fold(0u32, |s, &a| s.wrapping_add(_mm512_reduce_add_epi32(a) as u32));
    for x in &data[i..] {
        s = s.wrapping_add(x.to_bits());
    }
    s
}
