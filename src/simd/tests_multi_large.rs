//! Multi-query kernels on batches large enough for the packed-panel path (16+ queries) against
//! the scalar oracle: dims that are not multiples of 16, row counts around panel boundaries and
//! query counts that do not fill the last micro-tile.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::{available, scalar};

const DIMS: [usize; 9] = [1, 3, 8, 15, 16, 17, 33, 128, 130];
const ROWS: [usize; 9] = [1, 15, 16, 17, 63, 64, 65, 80, 130];
const QUERIES: [usize; 4] = [16, 17, 23, 40];

fn vec_of(rng: &mut StdRng, n: usize, integers: bool) -> Vec<f32> {
    if integers {
        (0..n).map(|_| rng.random_range(-3i8..=3) as f32).collect()
    } else {
        (0..n).map(|_| rng.random_range(-1.0f32..1.0)).collect()
    }
}

/// Every entry of a path's `nq × n` output for one metric, checked with `check(got, want, what)`
/// against the scalar pair kernel.
fn check_all(integers: bool, check: impl Fn(f32, f32, usize, &str)) {
    let mut rng = StdRng::seed_from_u64(19);
    for dim in DIMS {
        for n in ROWS {
            for nq in QUERIES {
                let queries = vec_of(&mut rng, nq * dim, integers);
                let block = vec_of(&mut rng, n * dim, integers);
                for k in available() {
                    let mut l2 = vec![f32::NAN; nq * n];
                    let mut ip = vec![f32::NAN; nq * n];
                    k.l2sq_multi(&queries, nq, &block, dim, &mut l2);
                    k.ip_multi(&queries, nq, &block, dim, &mut ip);
                    for (q, query) in queries.chunks_exact(dim).enumerate() {
                        for (i, v) in block.chunks_exact(dim).enumerate() {
                            let what = format!("{} dim {dim} n {n} nq {nq} q {q} v {i}", k.name());
                            check(l2[q * n + i], scalar::l2sq(query, v), dim, &format!("l2sq {what}"));
                            check(ip[q * n + i], scalar::ip(query, v), dim, &format!("ip {what}"));
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn large_multi_is_exact_on_integer_inputs() {
    check_all(true, |got, want, _, what| assert_eq!(got, want, "{what}"));
}

#[test]
fn large_multi_matches_scalar_within_rounding() {
    // Terms are below 4 in magnitude (|x - q|² with x, q in [-1, 1)): the summation-order
    // tolerance of the other kernel tests, 2e-6 · √dim · (sum of |terms|), at its bound.
    check_all(false, |got, want, dim, what| {
        let tolerance = 2e-6 * (dim as f32).sqrt() * (4.0 * dim as f32).max(1.0);
        assert!((got - want).abs() <= tolerance, "{what}: got {got}, want {want}");
    });
}
