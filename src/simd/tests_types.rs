//! The binary, float16, bfloat16 and int8 kernels of every available path against bit-by-bit
//! and scalar oracles, and against simsimd where it computes the same function.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use simsimd::{BinarySimilarity, SpatialSimilarity};

use super::*;

/// Every stored-vector length 0..=200 (each tail length of every path, with and without full
/// unrolled steps) and a few long ones.
fn lengths() -> Vec<usize> {
    let mut lengths: Vec<usize> = (0..=200).collect();
    lengths.extend([255, 256, 257, 383, 384, 511, 512, 767, 768, 1023, 1024, 1536, 2049]);
    lengths
}

/// Dims for batch and gather tests: all up to 40, the specialised ones, odd ones.
fn block_dims() -> Vec<usize> {
    let mut dims: Vec<usize> = (1..=40).collect();
    dims.extend([64, 96, 100, 127, 128, 129, 192, 256, 384, 512, 768, 1024]);
    dims
}

fn random_bytes(rng: &mut StdRng, n: usize) -> Vec<u8> {
    (0..n).map(|_| rng.random()).collect()
}

fn random_i8(rng: &mut StdRng, n: usize) -> Vec<i8> {
    (0..n).map(|_| rng.random()).collect()
}

fn random_f32(rng: &mut StdRng, n: usize) -> Vec<f32> {
    (0..n).map(|_| rng.random_range(-1.0f32..1.0)).collect()
}

/// Row lists over `n` vectors: empty, 1..=13 rows (every remainder of four-row groups, past the
/// prefetch distance), repeats and random lists.
fn row_lists(rng: &mut StdRng, n: usize) -> Vec<Vec<u32>> {
    let mut lists: Vec<Vec<u32>> =
        (0..=13).map(|len| (0..len).map(|i| (i * 7 % n) as u32).collect()).collect();
    lists.push(vec![0; 9]);
    lists.extend(
        (0..3).map(|_| (0..rng.random_range(1..30)).map(|_| rng.random_range(0..n as u32)).collect()),
    );
    lists
}

/// Checks a scorer's batch and gather against its own pair kernel with `same`.
fn check_block<Q: Clone, V: Clone>(
    what: &str,
    scorer: &Scorer<Q, V>,
    query: &[Q],
    block: &[V],
    dim: usize,
    rows: &[Vec<u32>],
    same: impl Fn(f32, f32) -> bool,
) {
    let n = block.len() / dim;
    let mut out = vec![f32::NAN; n];
    scorer.batch(query, block, dim, &mut out);
    for (i, v) in block.chunks_exact(dim).enumerate() {
        let want = scorer.pair(query, v);
        assert!(
            same(out[i], want),
            "{what} {} batch dim {dim} vector {i}: {} vs pair {want}",
            scorer.path(),
            out[i]
        );
    }
    for list in rows {
        let mut out = vec![f32::NAN; list.len()];
        scorer.gather(query, block, dim, list, &mut out);
        for (&r, &got) in list.iter().zip(&out) {
            let want = scorer.pair(query, &block[r as usize * dim..(r as usize + 1) * dim]);
            assert!(
                same(got, want),
                "{what} {} gather dim {dim} row {r}: {got} vs pair {want}",
                scorer.path()
            );
        }
    }
}

// ---- binary ----

/// Bit `i` of a packed vector.
fn bit(v: &[u8], i: usize) -> bool {
    v[i / 8] >> (i % 8) & 1 == 1
}

fn hamming_oracle(a: &[u8], b: &[u8]) -> f32 {
    (0..a.len() * 8).filter(|&i| bit(a, i) != bit(b, i)).count() as f32
}

/// Milvus's definition, bit by bit: `(|a ∨ b| - |a ∧ b|) / |a ∨ b|` in f32, 1 when 0/0.
fn jaccard_oracle(a: &[u8], b: &[u8]) -> f32 {
    let both = (0..a.len() * 8).filter(|&i| bit(a, i) && bit(b, i)).count();
    let either = (0..a.len() * 8).filter(|&i| bit(a, i) || bit(b, i)).count();
    if either == 0 { 1.0 } else { (either - both) as f32 / either as f32 }
}

#[test]
fn binary_pairs_match_bit_oracle_and_simsimd() {
    let mut rng = StdRng::seed_from_u64(21);
    for n in lengths() {
        // Random bits, sparse bits (Jaccard's ratio away from 1/2), and identical vectors.
        let a = random_bytes(&mut rng, n);
        let b = random_bytes(&mut rng, n);
        let sparse: Vec<u8> =
            (0..n).map(|_| if rng.random_ratio(1, 5) { 1 << rng.random_range(0..8) } else { 0 }).collect();
        for (x, y) in [(&a, &b), (&a, &sparse), (&sparse, &sparse), (&a, &a)] {
            let (h, j) = (hamming_oracle(x, y), jaccard_oracle(x, y));
            assert_eq!(scalar::hamming(x, y), h, "scalar hamming n {n}");
            assert_eq!(scalar::jaccard(x, y), j, "scalar jaccard n {n}");
            assert_eq!(f64::from(h), u8::hamming(x, y).unwrap(), "simsimd hamming n {n}");
            assert!((f64::from(j) - u8::jaccard(x, y).unwrap()).abs() <= 1e-6, "simsimd jaccard n {n}");
            for k in available() {
                assert_eq!(k.hamming().pair(x, y), h, "{} hamming n {n}", k.hamming().path());
                assert_eq!(k.jaccard().pair(x, y), j, "{} jaccard n {n}", k.jaccard().path());
            }
        }
    }
}

#[test]
fn jaccard_of_all_zero_vectors_is_one() {
    for k in available() {
        for n in [0, 1, 7, 64, 200] {
            let zero = vec![0u8; n];
            assert_eq!(k.jaccard().pair(&zero, &zero), 1.0, "{} n {n}", k.jaccard().path());
            assert_eq!(k.hamming().pair(&zero, &zero), 0.0, "{} n {n}", k.hamming().path());
        }
        let ones = [0xffu8; 100];
        assert_eq!(k.hamming().pair(&ones, &[0; 100]), 800.0);
        assert_eq!(k.jaccard().pair(&ones, &[0; 100]), 1.0);
        assert_eq!(k.jaccard().pair(&ones, &ones), 0.0);
    }
}

#[test]
fn binary_batch_and_gather_match_pair() {
    let mut rng = StdRng::seed_from_u64(22);
    let n = 23;
    for bytes in block_dims() {
        let query = random_bytes(&mut rng, bytes);
        let block = random_bytes(&mut rng, n * bytes);
        let rows = row_lists(&mut rng, n);
        for k in available() {
            check_block("hamming", k.hamming(), &query, &block, bytes, &rows, |a, b| a == b);
            check_block("jaccard", k.jaccard(), &query, &block, bytes, &rows, |a, b| a == b);
        }
    }
}

// ---- float16 / bfloat16 ----

/// Tolerance of the f32 tests: `2e-6 · sqrt(n) · max(1, Σ|termᵢ|)`.
fn close(got: f32, want: f32, n: usize, magnitude: f64) -> bool {
    (f64::from(got) - f64::from(want)).abs() <= 2e-6 * (n.max(1) as f64).sqrt() * magnitude.max(1.0)
}

/// A 16-bit format under test: its name, conversions and the scorers of a table.
struct Format {
    name: &'static str,
    widen: fn(u16) -> f32,
    narrow: fn(f32) -> u16,
    l2sq: fn(&Kernels) -> &Scorer<f32, u16>,
    ip: fn(&Kernels) -> &Scorer<f32, u16>,
    scalar_l2sq: fn(&[f32], &[u16]) -> f32,
    scalar_ip: fn(&[f32], &[u16]) -> f32,
}

const FORMATS: [Format; 2] = [
    Format {
        name: "f16",
        widen: f16_to_f32,
        narrow: f32_to_f16,
        l2sq: Kernels::l2sq_f16,
        ip: Kernels::ip_f16,
        scalar_l2sq: scalar::l2sq_f16,
        scalar_ip: scalar::ip_f16,
    },
    Format {
        name: "bf16",
        widen: bf16_to_f32,
        narrow: f32_to_bf16,
        l2sq: Kernels::l2sq_bf16,
        ip: Kernels::ip_bf16,
        scalar_l2sq: scalar::l2sq_bf16,
        scalar_ip: scalar::ip_bf16,
    },
];

fn magnitudes(query: &[f32], wide: &[f32]) -> (f64, f64) {
    let l2 = query.iter().zip(wide).map(|(&q, &v)| (f64::from(q) - f64::from(v)).powi(2)).sum();
    let ip = query.iter().zip(wide).map(|(&q, &v)| (f64::from(q) * f64::from(v)).abs()).sum();
    (l2, ip)
}

#[test]
fn half_pairs_match_scalar_on_random_data() {
    let mut rng = StdRng::seed_from_u64(23);
    for format in &FORMATS {
        for n in lengths() {
            let query = random_f32(&mut rng, n);
            let vector: Vec<u16> = random_f32(&mut rng, n).into_iter().map(format.narrow).collect();
            let wide: Vec<f32> = vector.iter().map(|&h| (format.widen)(h)).collect();
            let (l2_mag, ip_mag) = magnitudes(&query, &wide);
            // The scalar kernel is the f32 kernel on the widened vector.
            let (l2_want, ip_want) =
                ((format.scalar_l2sq)(&query, &vector), (format.scalar_ip)(&query, &vector));
            assert!(
                close(l2_want, scalar::l2sq(&query, &wide), n, l2_mag),
                "{} scalar l2sq n {n}",
                format.name
            );
            assert!(close(ip_want, scalar::ip(&query, &wide), n, ip_mag), "{} scalar ip n {n}", format.name);
            for k in available() {
                let (l2, ip) = ((format.l2sq)(&k), (format.ip)(&k));
                let what = format!("{} {} n {n}", format.name, l2.path());
                assert!(close(l2.pair(&query, &vector), l2_want, n, l2_mag), "{what} l2sq");
                assert!(close(ip.pair(&query, &vector), ip_want, n, ip_mag), "{what} ip");
            }
        }
    }
}

#[test]
fn half_kernels_are_exact_on_small_integers_and_match_simsimd() {
    // Small integers: every product and partial sum is exact even in 16-bit arithmetic, so all
    // paths and simsimd (whatever precision it accumulates in) agree exactly.
    let mut rng = StdRng::seed_from_u64(24);
    for format in &FORMATS {
        let max_dim = if format.name == "bf16" { 16 } else { 64 };
        for n in 0..=max_dim {
            let a: Vec<f32> = (0..n).map(|_| f32::from(rng.random_range(-2i8..=2))).collect();
            let b: Vec<f32> = (0..n).map(|_| f32::from(rng.random_range(-2i8..=2))).collect();
            let (a16, b16): (Vec<u16>, Vec<u16>) = (
                a.iter().map(|&x| (format.narrow)(x)).collect(),
                b.iter().map(|&x| (format.narrow)(x)).collect(),
            );
            let l2_want: f32 = a.iter().zip(&b).map(|(x, y)| (x - y) * (x - y)).sum();
            let ip_want: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            let (l2_simsimd, ip_simsimd) = if format.name == "f16" {
                let (x, y) = (as_simsimd_f16(&a16), as_simsimd_f16(&b16));
                (simsimd::f16::l2sq(&x, &y).unwrap(), simsimd::f16::dot(&x, &y).unwrap())
            } else {
                let (x, y) = (as_simsimd_bf16(&a16), as_simsimd_bf16(&b16));
                (simsimd::bf16::l2sq(&x, &y).unwrap(), simsimd::bf16::dot(&x, &y).unwrap())
            };
            if n > 0 {
                assert_eq!(l2_simsimd, f64::from(l2_want), "{} simsimd l2sq n {n}", format.name);
                assert_eq!(ip_simsimd, f64::from(ip_want), "{} simsimd dot n {n}", format.name);
            }
            for k in available() {
                let what = format!("{} {} n {n}", format.name, (format.l2sq)(&k).path());
                assert_eq!((format.l2sq)(&k).pair(&a, &b16), l2_want, "{what} l2sq");
                assert_eq!((format.ip)(&k).pair(&a, &b16), ip_want, "{what} ip");
            }
        }
    }
}

fn as_simsimd_f16(bits: &[u16]) -> Vec<simsimd::f16> {
    bits.iter().map(|&b| simsimd::f16(b)).collect()
}

fn as_simsimd_bf16(bits: &[u16]) -> Vec<simsimd::bf16> {
    bits.iter().map(|&b| simsimd::bf16(b)).collect()
}

#[test]
fn half_kernels_handle_extreme_values() {
    // float16: max, min normal, subnormals, zero, negative zero; bfloat16: large (squares of
    // the largest would overflow f32), min normal, subnormals.
    let f16_values = [0x7bffu16, 0xfbff, 0x0400, 0x0001, 0x03ff, 0x8001, 0x0000, 0x8000, 0x3c00];
    let bf16_values = [0x4f7fu16, 0xcf7f, 0x0080, 0x0001, 0x8001, 0x0000, 0x3f80, 0x8000];
    for (format, values) in FORMATS.iter().zip([&f16_values[..], &bf16_values[..]]) {
        for n in [1, 7, 8, 9, 15, 16, 17, 33, 64, 100] {
            let vector: Vec<u16> = (0..n).map(|i| values[i % values.len()]).collect();
            let wide: Vec<f32> = vector.iter().map(|&h| (format.widen)(h)).collect();
            let query: Vec<f32> = (0..n).map(|i| if i % 3 == 0 { 1.5 } else { -0.25 }).collect();
            let (l2_mag, ip_mag) = magnitudes(&query, &wide);
            for k in available() {
                let what = format!("{} {} n {n}", format.name, (format.l2sq)(&k).path());
                let l2 = (format.l2sq)(&k).pair(&query, &vector);
                assert!(
                    l2.is_finite() && close(l2, scalar::l2sq(&query, &wide), n, l2_mag),
                    "{what} l2sq {l2}"
                );
                let ip = (format.ip)(&k).pair(&query, &vector);
                assert!(close(ip, scalar::ip(&query, &wide), n, ip_mag), "{what} ip {ip}");
            }
        }
        // Inf and NaN elements (never stored: writes reject them) propagate like in f32.
        for n in [1, 9, 17, 40] {
            let query = vec![1.0f32; n];
            let mut vector = vec![(format.narrow)(0.5); n];
            vector[n - 1] = (format.narrow)(f32::INFINITY);
            for k in available() {
                assert_eq!(
                    (format.l2sq)(&k).pair(&query, &vector),
                    f32::INFINITY,
                    "{} inf n {n}",
                    format.name
                );
                assert_eq!((format.ip)(&k).pair(&query, &vector), f32::INFINITY, "{} inf n {n}", format.name);
            }
            vector[0] = (format.narrow)(f32::NAN);
            for k in available() {
                assert!((format.l2sq)(&k).pair(&query, &vector).is_nan(), "{} nan n {n}", format.name);
                assert!((format.ip)(&k).pair(&query, &vector).is_nan(), "{} nan n {n}", format.name);
            }
        }
    }
}

#[test]
fn half_batch_and_gather_match_pair() {
    let mut rng = StdRng::seed_from_u64(25);
    let n = 23;
    for format in &FORMATS {
        for dim in block_dims() {
            let query = random_f32(&mut rng, dim);
            let block: Vec<u16> = random_f32(&mut rng, n * dim).into_iter().map(format.narrow).collect();
            let rows = row_lists(&mut rng, n);
            // Scores of this data are at most ~4·dim in magnitude.
            let same = |a: f32, b: f32| close(a, b, dim, 4.0 * dim as f64);
            for k in available() {
                check_block(format.name, (format.l2sq)(&k), &query, &block, dim, &rows, same);
                check_block(format.name, (format.ip)(&k), &query, &block, dim, &rows, same);
            }
        }
    }
}

#[test]
fn half_pairs_are_exact_at_every_alignment() {
    // Small integers make every summation order exact; offsets move both inputs across a
    // 64-byte line.
    let mut rng = StdRng::seed_from_u64(26);
    let query: Vec<f32> = (0..300).map(|_| f32::from(rng.random_range(-3i8..=3))).collect();
    for format in &FORMATS {
        let vector: Vec<u16> =
            (0..300).map(|_| (format.narrow)(f32::from(rng.random_range(-3i8..=3)))).collect();
        for n in [31, 64, 100, 257] {
            for q_off in [0, 1, 5] {
                for v_off in 0..32 {
                    let (q, v) = (&query[q_off..q_off + n], &vector[v_off..v_off + n]);
                    for k in available() {
                        let what = format!(
                            "{} {} n {n} offsets {q_off}/{v_off}",
                            format.name,
                            (format.l2sq)(&k).path()
                        );
                        assert_eq!((format.l2sq)(&k).pair(q, v), (format.scalar_l2sq)(q, v), "{what}");
                        assert_eq!((format.ip)(&k).pair(q, v), (format.scalar_ip)(q, v), "{what}");
                    }
                }
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[test]
fn f16_conversions_match_f16c_for_every_value() {
    if !is_x86_feature_detected!("f16c") {
        return;
    }
    /// # Safety
    /// The CPU supports F16C.
    #[target_feature(enable = "f16c")]
    unsafe fn hardware(bits: [u16; 8]) -> [f32; 8] {
        use std::arch::x86_64::*;
        let mut out = [0.0f32; 8];
        // SAFETY: 8 u16 in and 8 f32 out, unaligned loads and stores; F16C is enabled.
        unsafe { _mm256_storeu_ps(out.as_mut_ptr(), _mm256_cvtph_ps(_mm_loadu_si128(bits.as_ptr().cast()))) };
        out
    }
    /// # Safety
    /// The CPU supports F16C.
    #[target_feature(enable = "f16c")]
    unsafe fn hardware_narrow(values: [f32; 8]) -> [u16; 8] {
        use std::arch::x86_64::*;
        let mut out = [0u16; 8];
        // SAFETY: 8 f32 in and 8 u16 out, unaligned; F16C is enabled.
        unsafe {
            let h = _mm256_cvtps_ph::<_MM_FROUND_TO_NEAREST_INT>(_mm256_loadu_ps(values.as_ptr()));
            _mm_storeu_si128(out.as_mut_ptr().cast(), h);
        }
        out
    }
    for start in (0..=u16::MAX).step_by(8) {
        let bits: [u16; 8] = std::array::from_fn(|i| start + i as u16);
        // SAFETY: F16C is available (checked above).
        let want = unsafe { hardware(bits) };
        for (&b, &w) in bits.iter().zip(&want) {
            let got = f16_to_f32(b);
            assert!(got.to_bits() == w.to_bits() || (got.is_nan() && w.is_nan()), "{b:#06x}: {got} vs {w}");
        }
    }
    let mut rng = StdRng::seed_from_u64(27);
    let special = [
        65504.0f32,
        65519.99,
        65520.0,
        1e9,
        6.1035156e-5,
        5.9604645e-8,
        2.9802322e-8,
        2.9802326e-8,
        1e-9,
        0.0,
    ];
    let mut values: Vec<f32> = special.iter().flat_map(|&x| [x, -x]).collect();
    values.extend([f32::INFINITY, f32::NEG_INFINITY]);
    // Random bit patterns in the float16 range and around it, including exact ties.
    values.extend((0..200_000).map(|_| {
        f32::from_bits(rng.random_range(0x2f00_0000u32..0x4800_0000) | rng.random_range(0..2u32) << 31)
    }));
    values.extend(
        (0..20_000)
            .map(|_| f32::from_bits((rng.random_range(0x3000_0000u32..0x4780_0000) & !0xfff) | 0x1000)),
    );
    for chunk in values.chunks(8) {
        let mut lanes = [0.0f32; 8];
        lanes[..chunk.len()].copy_from_slice(chunk);
        // SAFETY: F16C is available (checked above).
        let want = unsafe { hardware_narrow(lanes) };
        for (&x, &w) in lanes.iter().zip(&want) {
            assert_eq!(f32_to_f16(x), w, "{x:e} ({:#010x})", x.to_bits());
        }
    }
    assert!(f16_to_f32(f32_to_f16(f32::NAN)).is_nan());
}

#[test]
fn bf16_conversions_round_to_nearest_even() {
    let mut rng = StdRng::seed_from_u64(28);
    for _ in 0..100_000 {
        let x = f32::from_bits(rng.random::<u32>());
        let got = f32_to_bf16(x);
        if x.is_nan() {
            assert!(bf16_to_f32(got).is_nan());
            continue;
        }
        // The two bfloat16 neighbours of x (toward zero and away), and the nearer one, ties even.
        let down = (x.to_bits() >> 16) as u16;
        let up = down + 1;
        // Rounding treats the pattern past the largest finite value (Inf) as 2¹²⁸.
        let value = |h: u16| {
            if h & 0x7fff == 0x7f80 {
                2f64.powi(128).copysign(f64::from(x))
            } else {
                f64::from(bf16_to_f32(h))
            }
        };
        let (dd, du) = ((f64::from(x) - value(down)).abs(), (value(up) - f64::from(x)).abs());
        let want =
            if x.to_bits() & 0xffff == 0 || dd < du || (dd == du && down & 1 == 0) { down } else { up };
        assert_eq!(got, want, "{x:e}");
    }
    assert_eq!(bf16_to_f32(f32_to_bf16(1.0)), 1.0);
    assert_eq!(f32_to_bf16(f32::MAX), 0x7f80, "rounds past the largest bfloat16 to Inf");
}

// ---- int8 ----

fn l2sq_i8_oracle(a: &[i8], b: &[i8]) -> f32 {
    a.iter().zip(b).map(|(&x, &y)| (i64::from(x) - i64::from(y)).pow(2)).sum::<i64>() as f32
}

fn ip_i8_oracle(a: &[i8], b: &[i8]) -> f32 {
    a.iter().zip(b).map(|(&x, &y)| i64::from(x) * i64::from(y)).sum::<i64>() as f32
}

#[test]
fn int8_pairs_are_exact_and_match_simsimd() {
    let mut rng = StdRng::seed_from_u64(29);
    for n in lengths() {
        let a = random_i8(&mut rng, n);
        let b = random_i8(&mut rng, n);
        let (l2, ip) = (l2sq_i8_oracle(&a, &b), ip_i8_oracle(&a, &b));
        assert_eq!(scalar::l2sq_i8(&a, &b), l2);
        assert_eq!(scalar::ip_i8(&a, &b), ip);
        if n > 0 {
            // simsimd returns the exact integer as f64; ours is its nearest f32.
            assert_eq!(i8::l2sq(&a, &b).unwrap() as f32, l2, "simsimd l2sq n {n}");
            assert_eq!(i8::dot(&a, &b).unwrap() as f32, ip, "simsimd dot n {n}");
        }
        for k in available() {
            assert_eq!(k.l2sq_i8().pair(&a, &b), l2, "{} l2sq n {n}", k.l2sq_i8().path());
            assert_eq!(k.ip_i8().pair(&a, &b), ip, "{} ip n {n}", k.ip_i8().path());
        }
    }
}

#[test]
fn int8_extremes_are_exact_across_chunks() {
    // -128 against 127 maximises every term; lengths cross the exact-i32 chunk of 32,768.
    for n in [1, 31, 32, 33, 127, 129, 32_767, 32_768, 32_769, 70_001] {
        let low = vec![-128i8; n];
        let high = vec![127i8; n];
        let n64 = n as i64;
        for k in available() {
            let what = format!("{} n {n}", k.l2sq_i8().path());
            assert_eq!(k.l2sq_i8().pair(&low, &high), (n64 * 255 * 255) as f32, "{what}");
            assert_eq!(k.ip_i8().pair(&low, &low), (n64 * 128 * 128) as f32, "{what}");
            assert_eq!(k.ip_i8().pair(&low, &high), (-n64 * 128 * 127) as f32, "{what}");
            assert_eq!(k.l2sq_i8().pair(&low, &low), 0.0, "{what}");
        }
    }
}

#[test]
fn int8_batch_and_gather_match_pair() {
    let mut rng = StdRng::seed_from_u64(30);
    let n = 23;
    for dim in block_dims() {
        let query = random_i8(&mut rng, dim);
        let block = random_i8(&mut rng, n * dim);
        let rows = row_lists(&mut rng, n);
        for k in available() {
            check_block("l2sq_i8", k.l2sq_i8(), &query, &block, dim, &rows, |a, b| a == b);
            check_block("ip_i8", k.ip_i8(), &query, &block, dim, &rows, |a, b| a == b);
        }
    }
}

// ---- every type ----

#[test]
fn empty_inputs() {
    for k in available() {
        assert_eq!(k.hamming().pair(&[], &[]), 0.0);
        assert_eq!(k.jaccard().pair(&[], &[]), 1.0);
        assert_eq!(k.l2sq_f16().pair(&[], &[]), 0.0);
        assert_eq!(k.ip_bf16().pair(&[], &[]), 0.0);
        assert_eq!(k.l2sq_i8().pair(&[], &[]), 0.0);
        assert_eq!(k.ip_i8().pair(&[], &[]), 0.0);
        let mut out: [f32; 0] = [];
        k.hamming().batch(&[1], &[], 1, &mut out);
        k.l2sq_f16().batch(&[1.0], &[], 1, &mut out);
        k.ip_i8().gather(&[1], &[1], 1, &[], &mut out);
    }
}

#[test]
fn public_functions_use_the_active_path() {
    let (a, b) = ([0b1010_1010u8, 0xff], [0b0110_1010u8, 0x0f]);
    assert_eq!(hamming(&a, &b), 6.0);
    assert_eq!(jaccard(&a, &b), jaccard_oracle(&a, &b));
    let mut out = [0.0; 2];
    hamming_batch(&a, &[a, b].concat(), 2, &mut out);
    assert_eq!(out, [0.0, 6.0]);
    jaccard_gather(&a, &[a, b].concat(), 2, &[1, 0], &mut out);
    assert_eq!(out, [jaccard_oracle(&a, &b), 0.0]);

    let q = [1.0f32, -2.0, 3.0];
    let v16: Vec<u16> = [2.0f32, 0.5, -1.0].iter().map(|&x| f32_to_f16(x)).collect();
    let vb16: Vec<u16> = [2.0f32, 0.5, -1.0].iter().map(|&x| f32_to_bf16(x)).collect();
    assert_eq!(l2sq_f16(&q, &v16), 1.0 + 6.25 + 16.0);
    assert_eq!(ip_f16(&q, &v16), 2.0 - 1.0 - 3.0);
    assert_eq!(l2sq_bf16(&q, &vb16), 23.25);
    assert_eq!(ip_bf16(&q, &vb16), -2.0);
    let block16 = [v16.clone(), v16.clone()].concat();
    l2sq_f16_batch(&q, &block16, 3, &mut out);
    assert_eq!(out, [23.25, 23.25]);
    ip_f16_gather(&q, &block16, 3, &[1, 0], &mut out);
    assert_eq!(out, [-2.0, -2.0]);
    l2sq_bf16_gather(&q, &[vb16.clone(), vb16.clone()].concat(), 3, &[0, 1], &mut out);
    assert_eq!(out, [23.25, 23.25]);
    ip_bf16_batch(&q, &[vb16.clone(), vb16].concat(), 3, &mut out);
    assert_eq!(out, [-2.0, -2.0]);
    l2sq_f16_gather(&q, &block16, 3, &[0, 0], &mut out);
    assert_eq!(out, [23.25, 23.25]);
    ip_f16_batch(&q, &block16, 3, &mut out);
    assert_eq!(out, [-2.0, -2.0]);
    l2sq_bf16_batch(&q, &[vb16_of(&[0.0; 3]), vb16_of(&q)].concat(), 3, &mut out);
    assert_eq!(out, [14.0, 0.0]);
    ip_bf16_gather(&q, &vb16_of(&q), 3, &[0, 0], &mut out);
    assert_eq!(out, [14.0, 14.0]);

    let (x, y) = ([1i8, -128, 127], [-1i8, 127, 127]);
    assert_eq!(l2sq_i8(&x, &y), 4.0 + 255.0 * 255.0);
    assert_eq!(ip_i8(&x, &y), -1.0 - 128.0 * 127.0 + 127.0 * 127.0);
    l2sq_i8_batch(&x, &[x, y].concat(), 3, &mut out);
    assert_eq!(out, [0.0, 65029.0]);
    ip_i8_gather(&x, &[x, y].concat(), 3, &[1, 0], &mut out);
    assert_eq!(out, [ip_i8(&x, &y), ip_i8(&x, &x)]);
    l2sq_i8_gather(&x, &[x, y].concat(), 3, &[1, 1], &mut out);
    assert_eq!(out, [65029.0, 65029.0]);
    ip_i8_batch(&y, &[x, y].concat(), 3, &mut out);
    assert_eq!(out, [ip_i8(&x, &y), ip_i8(&y, &y)]);
    hamming_gather(&b, &[a, b].concat(), 2, &[0], &mut out[..1]);
    jaccard_batch(&b, &[a, b].concat(), 2, &mut out);
    assert_eq!(out, [jaccard_oracle(&a, &b), 0.0]);

    assert_eq!(norm_i8(&[3, -4]), 5.0);
    assert_eq!(norm_f16(&vb16_of_f16(&[3.0, -4.0])), 5.0);
    assert_eq!(norm_bf16(&vb16_of(&[3.0, -4.0])), 5.0);
}

fn vb16_of(values: &[f32]) -> Vec<u16> {
    values.iter().map(|&x| f32_to_bf16(x)).collect()
}

fn vb16_of_f16(values: &[f32]) -> Vec<u16> {
    values.iter().map(|&x| f32_to_f16(x)).collect()
}

#[cfg(debug_assertions)]
#[test]
#[should_panic(expected = "vector lengths differ")]
fn mismatched_binary_lengths_assert_in_debug() {
    hamming(&[1, 2], &[1]);
}

#[cfg(not(debug_assertions))]
#[test]
fn bad_lengths_are_clamped_in_release() {
    assert_eq!(hamming(&[1, 2], &[0]), 1.0);
    assert_eq!(l2sq_i8(&[1, 2], &[0]), 1.0);
    assert_eq!(l2sq_f16(&[1.0, 2.0], &[0]), 1.0);
    let mut out = [7.0; 2];
    l2sq_i8_batch(&[1, 2], &[1, 2, 3], 2, &mut out);
    assert_eq!(out, [0.0, 7.0]);
    for k in available() {
        let mut out = [7.0; 2];
        k.hamming().gather(&[1], &[1, 3], 1, &[1, 9], &mut out);
        assert_eq!(out[0], 1.0, "{}", k.hamming().path());
        assert!(out[1].is_nan(), "{}: an out-of-range row scores NaN", k.hamming().path());
    }
}
