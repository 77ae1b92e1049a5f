//! Conversions between f32 and the two 16-bit float formats, on their bit patterns (`u16`):
//! IEEE 754 binary16 ("float16") and bfloat16 (the upper half of an f32).
//!
//! Widening is exact for every input, including subnormals, ±Inf and NaN (NaN stays NaN, with
//! its payload shifted into place). Narrowing rounds to nearest, ties to even; values beyond the
//! float16 range become ±Inf, and NaN stays NaN (quiet).

/// The f32 value of a float16 bit pattern (exact).
#[inline]
pub fn f16_to_f32(bits: u16) -> f32 {
    let sign = u32::from(bits & 0x8000) << 16;
    let exponent = u32::from(bits >> 10) & 0x1f;
    let mantissa = u32::from(bits & 0x3ff);
    match exponent {
        0 => {
            // Zero or subnormal: mantissa · 2⁻²⁴, exact in f32.
            let magnitude = mantissa as f32 * (1.0 / 16_777_216.0);
            f32::from_bits(sign | magnitude.to_bits())
        }
        0x1f => f32::from_bits(sign | 0x7f80_0000 | (mantissa << 13)),
        _ => f32::from_bits(sign | ((exponent + 112) << 23) | (mantissa << 13)),
    }
}

/// The nearest float16 to `value` (ties to even), as bits; overflow gives ±Inf.
pub fn f32_to_f16(value: f32) -> u16 {
    let bits = value.to_bits();
    let sign = ((bits >> 16) & 0x8000) as u16;
    let exponent = ((bits >> 23) & 0xff) as i32;
    let mantissa = bits & 0x7f_ffff;
    if exponent == 0xff {
        let nan = if mantissa == 0 { 0 } else { 0x200 | (mantissa >> 13) as u16 };
        return sign | 0x7c00 | nan;
    }
    // The float16 biased exponent.
    let e = exponent - 112;
    if e >= 0x1f {
        return sign | 0x7c00;
    }
    if e <= 0 {
        // Subnormal (or zero) in float16: the value in units of 2⁻²⁴, rounded.
        let shift = (14 - e) as u32;
        if shift > 24 {
            return sign;
        }
        let significand = mantissa | 0x80_0000;
        return sign | round_shift(significand, shift) as u16;
    }
    // A carry out of the mantissa correctly bumps the exponent (up to Inf).
    let rounded = round_shift((e as u32) << 23 | mantissa, 13);
    sign | rounded as u16
}

/// `value >> shift` rounded to nearest, ties to even (`1 <= shift <= 31`).
#[inline]
fn round_shift(value: u32, shift: u32) -> u32 {
    let half = 1u32 << (shift - 1);
    let rest = value & ((1u32 << shift) - 1);
    let truncated = value >> shift;
    if rest > half || (rest == half && truncated & 1 == 1) { truncated + 1 } else { truncated }
}

/// The f32 value of a bfloat16 bit pattern (exact).
#[inline]
pub fn bf16_to_f32(bits: u16) -> f32 {
    f32::from_bits(u32::from(bits) << 16)
}

/// The nearest bfloat16 to `value` (ties to even), as bits; NaN stays NaN.
pub fn f32_to_bf16(value: f32) -> u16 {
    let bits = value.to_bits();
    if value.is_nan() {
        return ((bits >> 16) as u16) | 0x40;
    }
    (bits.wrapping_add(0x7fff + ((bits >> 16) & 1)) >> 16) as u16
}

/// Widens float16 bits into f32: `dst[i] = f16_to_f32(src[i])` over the common prefix
/// (unequal lengths are a caller bug: debug builds assert).
pub fn widen_f16(src: &[u16], dst: &mut [f32]) {
    debug_assert_eq!(src.len(), dst.len(), "widen lengths differ");
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = f16_to_f32(s);
    }
}

/// Widens bfloat16 bits into f32: `dst[i] = bf16_to_f32(src[i])` over the common prefix
/// (unequal lengths are a caller bug: debug builds assert).
pub fn widen_bf16(src: &[u16], dst: &mut [f32]) {
    debug_assert_eq!(src.len(), dst.len(), "widen lengths differ");
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = bf16_to_f32(s);
    }
}

/// The little-endian 2-byte values of `bytes` (an even count): borrowed when `bytes` is
/// 2-byte aligned (mapped blocks and heap buffers are), copied otherwise.
pub fn halves(bytes: &[u8]) -> std::borrow::Cow<'_, [u16]> {
    match bytemuck::try_cast_slice(bytes) {
        Ok(values) if cfg!(target_endian = "little") => std::borrow::Cow::Borrowed(values),
        _ => {
            std::borrow::Cow::Owned(bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect())
        }
    }
}
