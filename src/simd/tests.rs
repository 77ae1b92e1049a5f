//! Every available path against the scalar oracle and against simsimd.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use simsimd::SpatialSimilarity;

use super::dispatch::select;
use super::kernels::{BatchShape, MultiShape};
use super::*;

/// Tolerance for comparing two f32 sums of `n` terms whose absolute values add up to
/// `magnitude`: `2e-6 · sqrt(n) · max(1, magnitude)` (about 16 ε per √n of summation-order
/// difference).
fn tolerance(n: usize, magnitude: f64) -> f64 {
    2e-6 * (n.max(1) as f64).sqrt() * magnitude.max(1.0)
}

fn l2sq_magnitude(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2)).sum()
}

fn ip_magnitude(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(&x, &y)| (f64::from(x) * f64::from(y)).abs()).sum()
}

fn assert_close(what: &str, got: f32, want: f64, n: usize, magnitude: f64) {
    let diff = (f64::from(got) - want).abs();
    assert!(
        diff <= tolerance(n, magnitude),
        "{what}: got {got}, want {want}, n {n}, diff {diff:e} > {:e}",
        tolerance(n, magnitude)
    );
}

fn random_vec(rng: &mut StdRng, n: usize) -> Vec<f32> {
    (0..n).map(|_| rng.random_range(-1.0f32..1.0)).collect()
}

/// Small integers: every product and partial sum is exact in f32, so all paths must agree
/// bit for bit whatever their summation order.
fn integer_vec(rng: &mut StdRng, n: usize) -> Vec<f32> {
    (0..n).map(|_| rng.random_range(-3i8..=3) as f32).collect()
}

/// 1..=64 (every remainder mod 16 and mod 8, with and without full 64-wide steps), a few
/// boundary lengths, and random lengths up to 2048.
fn pair_lengths(rng: &mut StdRng) -> Vec<usize> {
    let mut lengths: Vec<usize> = (1..=64).collect();
    lengths.extend([95, 96, 97, 127, 128, 129, 255, 256, 257, 767, 768, 769, 1535, 1536, 2047, 2048]);
    lengths.extend((0..200).map(|_| rng.random_range(1..=2048)));
    lengths
}

#[test]
fn scalar_is_always_available_and_last() {
    let all = available();
    assert_eq!(all.last().map(Kernels::name), Some("scalar"));
    #[cfg(target_arch = "x86_64")]
    if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
        assert!(all.iter().any(|k| k.name() == "avx2+fma"));
    }
    #[cfg(target_arch = "x86_64")]
    if is_x86_feature_detected!("avx512f") {
        assert_eq!(all[0].name(), "avx512");
    }
    assert!(all.iter().any(|k| k.name() == capabilities()));
}

#[test]
fn override_selects_named_path_or_falls_back_to_best() {
    let all = available();
    assert_eq!(select(&all, None).name(), all[0].name());
    assert_eq!(select(&all, Some("scalar")).name(), "scalar");
    assert_eq!(select(&all, Some(" SCALAR ")).name(), "scalar");
    assert_eq!(select(&all, Some("no-such-isa")).name(), all[0].name());
    for k in &all {
        assert_eq!(select(&all, Some(k.name())).name(), k.name());
    }
    assert_eq!(select(&[], Some("avx512")).name(), "scalar");
}

#[test]
fn pair_kernels_match_scalar_and_simsimd() {
    let mut rng = StdRng::seed_from_u64(0x5eed);
    for n in pair_lengths(&mut rng) {
        let a = random_vec(&mut rng, n);
        let b = random_vec(&mut rng, n);
        let (l2_mag, ip_mag) = (l2sq_magnitude(&a, &b), ip_magnitude(&a, &b));
        let l2_oracle = f64::from(scalar::l2sq(&a, &b));
        let ip_oracle = f64::from(scalar::ip(&a, &b));
        let l2_simsimd = f32::l2sq(&a, &b).unwrap();
        let ip_simsimd = f32::dot(&a, &b).unwrap();
        assert_close("scalar l2sq vs simsimd", scalar::l2sq(&a, &b), l2_simsimd, n, l2_mag);
        assert_close("scalar ip vs simsimd", scalar::ip(&a, &b), ip_simsimd, n, ip_mag);
        for k in available() {
            let name = k.name();
            assert_close(&format!("{name} l2sq vs scalar"), k.l2sq(&a, &b), l2_oracle, n, l2_mag);
            assert_close(&format!("{name} l2sq vs simsimd"), k.l2sq(&a, &b), l2_simsimd, n, l2_mag);
            assert_close(&format!("{name} ip vs scalar"), k.ip(&a, &b), ip_oracle, n, ip_mag);
            assert_close(&format!("{name} ip vs simsimd"), k.ip(&a, &b), ip_simsimd, n, ip_mag);
            let norm_want = f64::from(scalar::ip(&a, &a)).sqrt();
            let norm_tol = tolerance(n, norm_want * norm_want) / norm_want.max(1.0);
            assert!((f64::from(k.norm(&a)) - norm_want).abs() <= norm_tol, "{name} norm, n {n}");
        }
    }
}

#[test]
fn pair_kernels_are_exact_on_integer_inputs() {
    let mut rng = StdRng::seed_from_u64(7);
    for n in pair_lengths(&mut rng) {
        let a = integer_vec(&mut rng, n);
        let b = integer_vec(&mut rng, n);
        let l2_want: f64 = a.iter().zip(&b).map(|(&x, &y)| f64::from(x - y).powi(2)).sum();
        let ip_want: f64 = a.iter().zip(&b).map(|(&x, &y)| f64::from(x * y)).sum();
        for k in available() {
            assert_eq!(f64::from(k.l2sq(&a, &b)), l2_want, "{} l2sq, n {n}", k.name());
            assert_eq!(f64::from(k.ip(&a, &b)), ip_want, "{} ip, n {n}", k.name());
        }
    }
}

#[test]
fn pair_kernels_are_exact_at_every_alignment() {
    // Offsets 0..16 floats put the start at every 4-byte position within a 64-byte line, so
    // every alignment-head length is taken.
    let mut rng = StdRng::seed_from_u64(8);
    let a_buf = integer_vec(&mut rng, 1100);
    let b_buf = integer_vec(&mut rng, 1100);
    for n in [127, 128, 129, 200, 1000] {
        for a_off in [0, 3, 8] {
            for b_off in 0..16 {
                let (a, b) = (&a_buf[a_off..a_off + n], &b_buf[b_off..b_off + n]);
                for k in available() {
                    let what = format!("{} n {n} offsets {a_off}/{b_off}", k.name());
                    assert_eq!(k.l2sq(a, b), scalar::l2sq(a, b), "{what}");
                    assert_eq!(k.ip(a, b), scalar::ip(a, b), "{what}");
                }
            }
        }
    }
}

#[test]
fn empty_vectors_give_zero() {
    for k in available() {
        assert_eq!(k.l2sq(&[], &[]), 0.0);
        assert_eq!(k.ip(&[], &[]), 0.0);
        assert_eq!(k.norm(&[]), 0.0);
    }
}

const BATCH_DIMS: [usize; 7] = [64, 96, 128, 256, 768, 1536, 100];
const BLOCK_SIZES: [usize; 9] = [0, 1, 2, 7, 8, 9, 16, 17, 33];

fn batch_dims() -> impl Iterator<Item = usize> {
    (1..=40).chain(BATCH_DIMS)
}

#[test]
fn batch_matches_pair_kernel() {
    let mut rng = StdRng::seed_from_u64(11);
    for dim in batch_dims() {
        for n in BLOCK_SIZES {
            let query = random_vec(&mut rng, dim);
            let block = random_vec(&mut rng, n * dim);
            for k in available() {
                let mut l2 = vec![f32::NAN; n];
                let mut ip = vec![f32::NAN; n];
                k.l2sq_batch(&query, &block, dim, &mut l2);
                k.ip_batch(&query, &block, dim, &mut ip);
                for (i, v) in block.chunks_exact(dim).enumerate() {
                    let what = format!("{} dim {dim} n {n} vector {i}", k.name());
                    let (l2_mag, ip_mag) = (l2sq_magnitude(&query, v), ip_magnitude(&query, v));
                    assert_close(&what, l2[i], f64::from(k.l2sq(&query, v)), dim, l2_mag);
                    assert_close(&what, ip[i], f64::from(k.ip(&query, v)), dim, ip_mag);
                }
            }
        }
    }
}

/// Row lists for gather tests over `n` vectors: empty, every length up to 13 (each remainder of
/// the four-row groups, and past the prefetch distance), repeats, and random orders.
fn gather_lists(rng: &mut StdRng, n: usize) -> Vec<Vec<u32>> {
    let mut lists: Vec<Vec<u32>> =
        (0..=13).map(|len| (0..len).map(|i| (i * 7 % n) as u32).collect()).collect();
    lists.push(vec![0; 9]);
    lists.extend(
        (0..4).map(|_| (0..rng.random_range(1..40)).map(|_| rng.random_range(0..n as u32)).collect()),
    );
    lists
}

#[test]
fn gather_matches_pair_kernel() {
    let mut rng = StdRng::seed_from_u64(13);
    let n = 23;
    for dim in batch_dims() {
        let query = random_vec(&mut rng, dim);
        let block = random_vec(&mut rng, n * dim);
        for rows in gather_lists(&mut rng, n) {
            for k in available() {
                let mut l2 = vec![f32::NAN; rows.len()];
                let mut ip = vec![f32::NAN; rows.len()];
                k.l2sq_gather(&query, &block, dim, &rows, &mut l2);
                k.ip_gather(&query, &block, dim, &rows, &mut ip);
                for (i, &r) in rows.iter().enumerate() {
                    let v = &block[r as usize * dim..(r as usize + 1) * dim];
                    let what = format!("{} dim {dim} rows {rows:?} entry {i}", k.name());
                    let (l2_mag, ip_mag) = (l2sq_magnitude(&query, v), ip_magnitude(&query, v));
                    assert_close(&what, l2[i], f64::from(k.l2sq(&query, v)), dim, l2_mag);
                    assert_close(&what, ip[i], f64::from(k.ip(&query, v)), dim, ip_mag);
                }
            }
        }
    }
}

#[test]
fn gather_is_exact_on_integer_inputs() {
    let mut rng = StdRng::seed_from_u64(14);
    let n = 17;
    for dim in batch_dims() {
        let query = integer_vec(&mut rng, dim);
        let block = integer_vec(&mut rng, n * dim);
        let rows: Vec<u32> = (0..11).map(|_| rng.random_range(0..n as u32)).collect();
        let vector = |r: u32| &block[r as usize * dim..(r as usize + 1) * dim];
        let l2_want: Vec<f32> = rows.iter().map(|&r| scalar::l2sq(&query, vector(r))).collect();
        let ip_want: Vec<f32> = rows.iter().map(|&r| scalar::ip(&query, vector(r))).collect();
        for k in available() {
            let mut out = vec![f32::NAN; rows.len()];
            k.l2sq_gather(&query, &block, dim, &rows, &mut out);
            assert_eq!(out, l2_want, "{} l2sq dim {dim}", k.name());
            k.ip_gather(&query, &block, dim, &rows, &mut out);
            assert_eq!(out, ip_want, "{} ip dim {dim}", k.name());
        }
    }
}

#[test]
fn batch_is_exact_on_integer_inputs() {
    let mut rng = StdRng::seed_from_u64(12);
    for dim in batch_dims() {
        let n = 19;
        let query = integer_vec(&mut rng, dim);
        let block = integer_vec(&mut rng, n * dim);
        let l2_want: Vec<f32> = block.chunks_exact(dim).map(|v| scalar::l2sq(&query, v)).collect();
        let ip_want: Vec<f32> = block.chunks_exact(dim).map(|v| scalar::ip(&query, v)).collect();
        for k in available() {
            let mut out = vec![f32::NAN; n];
            k.l2sq_batch(&query, &block, dim, &mut out);
            assert_eq!(out, l2_want, "{} l2sq dim {dim}", k.name());
            k.ip_batch(&query, &block, dim, &mut out);
            assert_eq!(out, ip_want, "{} ip dim {dim}", k.name());
        }
    }
}

#[test]
fn multi_matches_pair_kernel() {
    let mut rng = StdRng::seed_from_u64(13);
    for dim in batch_dims() {
        for n in BLOCK_SIZES {
            for nq in [1, 3, 4, 5, 9] {
                let queries = random_vec(&mut rng, nq * dim);
                let block = random_vec(&mut rng, n * dim);
                for k in available() {
                    let mut l2 = vec![f32::NAN; nq * n];
                    let mut ip = vec![f32::NAN; nq * n];
                    k.l2sq_multi(&queries, nq, &block, dim, &mut l2);
                    k.ip_multi(&queries, nq, &block, dim, &mut ip);
                    for (q, query) in queries.chunks_exact(dim).enumerate() {
                        for (i, v) in block.chunks_exact(dim).enumerate() {
                            let what = format!("{} dim {dim} n {n} nq {nq} q {q} v {i}", k.name());
                            let (l2_mag, ip_mag) = (l2sq_magnitude(query, v), ip_magnitude(query, v));
                            let (l2_want, ip_want) = (k.l2sq(query, v), k.ip(query, v));
                            assert_close(&what, l2[q * n + i], f64::from(l2_want), dim, l2_mag);
                            assert_close(&what, ip[q * n + i], f64::from(ip_want), dim, ip_mag);
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn multi_spans_several_tiles() {
    // dim 8 gives thousands of vectors per tile; 1536 gives 16. Use enough vectors for 3+ tiles.
    let mut rng = StdRng::seed_from_u64(14);
    for (dim, n) in [(1536, 50), (128, 600)] {
        let nq = 6;
        let queries = integer_vec(&mut rng, nq * dim);
        let block = integer_vec(&mut rng, n * dim);
        assert!(n > 2 * super::tiling::tile_vectors(dim));
        for k in available() {
            let mut out = vec![f32::NAN; nq * n];
            k.l2sq_multi(&queries, nq, &block, dim, &mut out);
            for (q, query) in queries.chunks_exact(dim).enumerate() {
                let mut want = vec![0.0; n];
                k.l2sq_batch(query, &block, dim, &mut want);
                assert_eq!(&out[q * n..(q + 1) * n], want, "{} dim {dim} q {q}", k.name());
            }
        }
    }
}

#[test]
fn public_functions_use_the_active_path() {
    let mut rng = StdRng::seed_from_u64(15);
    let dim = 128;
    let a = integer_vec(&mut rng, dim);
    let b = integer_vec(&mut rng, dim);
    assert_eq!(l2sq(&a, &b), scalar::l2sq(&a, &b));
    assert_eq!(ip(&a, &b), scalar::ip(&a, &b));
    assert_eq!(norm(&a), scalar::ip(&a, &a).sqrt());
    let block = [a.clone(), b.clone()].concat();
    let mut out = [0.0; 2];
    l2sq_batch(&a, &block, dim, &mut out);
    assert_eq!(out, [0.0, scalar::l2sq(&a, &b)]);
    ip_batch(&a, &block, dim, &mut out);
    assert_eq!(out, [scalar::ip(&a, &a), scalar::ip(&a, &b)]);
    let mut grid = [0.0; 4];
    l2sq_multi(&block, 2, &block, dim, &mut grid);
    let l2_ab = scalar::l2sq(&a, &b);
    assert_eq!(grid, [0.0, l2_ab, l2_ab, 0.0]);
    ip_multi(&block, 2, &block, dim, &mut grid);
    assert_eq!(grid, [scalar::ip(&a, &a), scalar::ip(&a, &b), scalar::ip(&b, &a), scalar::ip(&b, &b)]);
}

#[test]
fn cosine_from_stored_norms() {
    assert_eq!(cosine_from_ip(3.0, 0.0, 2.0), 0.0);
    assert_eq!(cosine_from_ip(3.0, 2.0, 0.0), 0.0);
    assert_eq!(cosine(&[1.0, 0.0], &[0.0, 1.0]), 0.0);
    assert_eq!(cosine(&[0.0, 0.0], &[0.0, 1.0]), 0.0);
    assert!((cosine(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]) - 1.0).abs() <= 1e-6);
    assert!((cosine(&[1.0, 2.0, 3.0], &[-1.0, -2.0, -3.0]) + 1.0).abs() <= 1e-6);
    let (a, b) = ([3.0, 4.0], [4.0, 3.0]);
    let mut scores = [ip(&a, &b), ip(&a, &a)];
    ip_to_cosine(&mut scores, norm(&a), &[norm(&b), norm(&a)]);
    assert!((scores[0] - 24.0 / 25.0).abs() <= 1e-6);
    assert!((scores[1] - 1.0).abs() <= 1e-6);
}

#[test]
fn batch_shape_clamps_bad_lengths() {
    assert_eq!(BatchShape::new(4, 12, 4, 3), BatchShape { n: 3, exact: true });
    assert_eq!(BatchShape::new(4, 0, 4, 0), BatchShape { n: 0, exact: true });
    assert_eq!(BatchShape::new(4, 14, 4, 3), BatchShape { n: 3, exact: false });
    assert_eq!(BatchShape::new(4, 12, 4, 2), BatchShape { n: 2, exact: false });
    assert_eq!(BatchShape::new(4, 12, 4, 5), BatchShape { n: 3, exact: false });
    assert_eq!(BatchShape::new(3, 12, 4, 3), BatchShape { n: 0, exact: false });
    assert_eq!(BatchShape::new(5, 12, 4, 3), BatchShape { n: 3, exact: false });
    assert_eq!(BatchShape::new(4, 12, 0, 3), BatchShape { n: 0, exact: false });
}

#[test]
fn multi_shape_clamps_bad_lengths() {
    assert_eq!(MultiShape::new(8, 2, 12, 4, 6), MultiShape { nq: 2, n: 3, exact: true });
    assert_eq!(MultiShape::new(8, 2, 0, 4, 0), MultiShape { nq: 2, n: 0, exact: true });
    assert_eq!(MultiShape::new(4, 2, 12, 4, 6), MultiShape { nq: 1, n: 3, exact: false });
    assert_eq!(MultiShape::new(8, 2, 12, 4, 5), MultiShape { nq: 1, n: 3, exact: false });
    assert_eq!(MultiShape::new(8, 2, 13, 4, 6), MultiShape { nq: 2, n: 3, exact: false });
    assert_eq!(MultiShape::new(8, 2, 12, 0, 6), MultiShape { nq: 0, n: 0, exact: false });
    assert_eq!(MultiShape::new(8, usize::MAX, 12, 4, 6), MultiShape { nq: 2, n: 3, exact: false });
}

#[cfg(debug_assertions)]
#[test]
#[should_panic(expected = "vector lengths differ")]
fn mismatched_pair_lengths_assert_in_debug() {
    l2sq(&[1.0, 2.0], &[1.0]);
}

#[cfg(debug_assertions)]
#[test]
#[should_panic(expected = "batch lengths disagree")]
fn short_batch_output_asserts_in_debug() {
    l2sq_batch(&[1.0, 2.0], &[1.0, 2.0, 3.0, 4.0], 2, &mut [0.0]);
}

#[cfg(debug_assertions)]
#[test]
#[should_panic(expected = "gather arguments disagree")]
fn out_of_range_gather_row_asserts_in_debug() {
    l2sq_gather(&[1.0, 2.0], &[1.0, 2.0, 3.0, 4.0], 2, &[2], &mut [0.0]);
}

#[cfg(not(debug_assertions))]
#[test]
fn bad_gather_arguments_are_clamped_in_release() {
    let block = [1.0, 2.0, 3.0, 4.0];
    for k in available() {
        let mut out = [7.0; 3];
        k.l2sq_gather(&[1.0, 2.0], &block, 2, &[1, 5, 0], &mut out);
        assert_eq!(out[0], 8.0, "{}", k.name());
        assert!(out[1].is_nan(), "{}: an out-of-range row scores NaN", k.name());
        assert_eq!(out[2], 0.0, "{}", k.name());
        let mut short = [7.0];
        k.l2sq_gather(&[1.0, 2.0], &block, 2, &[1, 0], &mut short);
        assert_eq!(short, [8.0], "{}", k.name());
        k.l2sq_gather(&[1.0], &block, 2, &[0], &mut short);
        assert_eq!(short, [8.0], "{}: a short query writes nothing", k.name());
    }
}

#[cfg(not(debug_assertions))]
#[test]
fn bad_lengths_are_clamped_in_release() {
    assert_eq!(l2sq(&[1.0, 2.0], &[1.0]), 0.0);
    let mut out = [7.0];
    l2sq_batch(&[1.0, 2.0], &[1.0, 2.0, 3.0, 4.0, 5.0], 2, &mut out);
    assert_eq!(out, [0.0]);
    l2sq_batch(&[1.0], &[1.0, 2.0], 2, &mut out);
    assert_eq!(out, [0.0]);
    let mut grid = [7.0; 3];
    l2sq_multi(&[1.0, 2.0, 3.0, 4.0], 2, &[1.0, 2.0, 3.0, 4.0], 2, &mut grid);
    assert_eq!(grid, [0.0, 8.0, 7.0]);
}
