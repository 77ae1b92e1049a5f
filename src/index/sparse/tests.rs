use super::*;
use crate::index::file::SegmentIndex;

/// A tiny deterministic xorshift64* generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }

    fn below(&mut self, bound: usize) -> usize {
        (((self.next() >> 32) * bound as u64) >> 32) as usize
    }
}

/// Owned CSR rows.
struct Corpus {
    offsets: Vec<u64>,
    indices: Vec<u32>,
    values: Vec<f32>,
}

impl Corpus {
    fn rows(&self) -> SparseRows<'_> {
        SparseRows { offsets: &self.offsets, indices: &self.indices, values: &self.values }
    }
}

/// A sparse vector of about `nnz` terms from a vocabulary of `vocab`, skewed to small indices
/// (squared uniform), values in (0, 1] (a few negative when `negatives`).
fn vector(rng: &mut Rng, vocab: usize, nnz: usize, negatives: bool) -> (Vec<u32>, Vec<f32>) {
    let mut terms: Vec<u32> = (0..nnz)
        .map(|_| {
            let u = rng.unit();
            ((u * u * vocab as f32) as usize).min(vocab - 1) as u32
        })
        .collect();
    terms.sort_unstable();
    terms.dedup();
    let values = terms
        .iter()
        .map(|_| {
            let v = rng.unit() + 1e-3;
            if negatives && rng.below(10) == 0 { -v } else { v }
        })
        .collect();
    (terms, values)
}

fn corpus(n: usize, vocab: usize, nnz: usize, seed: u64) -> Corpus {
    let mut rng = Rng(seed | 1);
    let mut c = Corpus { offsets: vec![0], indices: Vec::new(), values: Vec::new() };
    for row in 0..n {
        // Every 97th row is empty.
        if row % 97 != 50 {
            let terms = 1 + rng.below(2 * nnz);
            let (i, v) = vector(&mut rng, vocab, terms, row % 5 == 0);
            c.indices.extend(i);
            c.values.extend(v);
        }
        c.offsets.push(c.indices.len() as u64);
    }
    c
}

/// The body in an aligned buffer, as the mapped file gives it.
fn aligned(body: &[u8]) -> Vec<u32> {
    bytemuck::pod_collect_to_vec(body)
}

fn params(algo: SparseAlgo, drop: f32) -> SparseSearchParams {
    SparseSearchParams { algo, drop_ratio_search: DropRatio::new("drop_ratio_search", drop).unwrap() }
}

fn ratio(r: f32) -> DropRatio {
    DropRatio::new("drop_ratio_build", r).unwrap()
}

fn run(
    words: &[u32],
    c: &Corpus,
    q: &(Vec<u32>, Vec<f32>),
    k: usize,
    p: SparseSearchParams,
    allowed: Option<&Bitset>,
) -> Candidates {
    search(bytemuck::cast_slice(words), c.rows(), &q.0, &q.1, k, p, allowed).unwrap()
}

/// The same rows with the same costs; rows may differ only where their exact scores tie the
/// k-th within rounding.
fn assert_same(got: &Candidates, want: &Candidates, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: {got:?} vs {want:?}");
    let close = |a: f32, b: f32| (a - b).abs() <= 1e-5 * a.abs().max(b.abs()).max(1.0);
    for (i, ((gr, gc), (_, wc))) in got.iter().zip(want).enumerate() {
        assert!(close(*gc, *wc), "{what}: rank {i}: {got:?} vs {want:?}");
        if let Some((_, c)) = want.iter().find(|(r, _)| r == gr) {
            assert_eq!(c, gc, "{what}: row {gr} scored differently");
        }
    }
    assert!(got.windows(2).all(|w| w[0].1 <= w[1].1), "{what}: not best first: {got:?}");
}

#[test]
fn exact_top_k_for_every_algorithm_without_drops() {
    let c = corpus(3000, 2000, 30, 7);
    let body = aligned(&build(c.rows(), DropRatio::ZERO, &Context::background()).unwrap());
    validate(bytemuck::cast_slice(&body), c.rows()).unwrap();
    let mut rng = Rng(99);
    for qn in 0..40 {
        let q = vector(&mut rng, 2000, 4 + qn % 20, qn % 7 == 0);
        for k in [1, 10, 100] {
            let want = brute_force(c.rows(), &q.0, &q.1, k, None);
            assert!(!want.is_empty());
            for algo in SparseAlgo::ALL {
                let got = run(&body, &c, &q, k, params(algo, 0.0), None);
                assert_same(&got, &want, &format!("{} query {qn} k {k}", algo.name()));
            }
        }
    }
}

#[test]
fn every_matching_row_when_k_is_large() {
    let c = corpus(500, 300, 10, 3);
    let body = aligned(&build(c.rows(), DropRatio::ZERO, &Context::background()).unwrap());
    let q = (vec![0, 1, 2, 5, 40], vec![1.0, 0.5, 0.25, 2.0, 1.0]);
    let want = brute_force(c.rows(), &q.0, &q.1, usize::MAX, None);
    assert!(want.len() > 50 && want.len() < 500, "{}", want.len());
    for algo in SparseAlgo::ALL {
        assert_same(&run(&body, &c, &q, usize::MAX, params(algo, 0.0), None), &want, algo.name());
    }
}

#[test]
fn recall_with_drop_ratios() {
    let c = corpus(4000, 3000, 40, 11);
    let mut rng = Rng(5);
    let queries: Vec<_> = (0..50).map(|_| vector(&mut rng, 3000, 20, false)).collect();
    for (build_ratio, search_ratio, floor) in
        [(0.2, 0.0, 0.9), (0.0, 0.2, 0.9), (0.2, 0.2, 0.85), (0.5, 0.5, 0.5)]
    {
        let bytes = build(c.rows(), ratio(build_ratio), &Context::background()).unwrap();
        let body = aligned(&bytes);
        let postings = u64::from(body[2]) as f64;
        let dropped = 1.0 - postings / c.indices.len() as f64;
        assert!((dropped - build_ratio as f64).abs() < 0.02, "dropped {dropped} for ratio {build_ratio}");
        for algo in SparseAlgo::ALL {
            let mut hits = 0;
            for q in &queries {
                let want = brute_force(c.rows(), &q.0, &q.1, 10, None);
                let got = run(&body, &c, q, 10, params(algo, search_ratio), None);
                assert!(got.len() <= 10);
                // Scores are exact even when values were dropped.
                for (row, cost) in &got {
                    let (i, v) = c.rows().get(*row as usize).unwrap();
                    assert_eq!(*cost, -dot(&q.0, &q.1, i, v));
                }
                assert!(got.windows(2).all(|w| w[0].1 <= w[1].1));
                hits += got.iter().filter(|g| want.iter().any(|w| w.0 == g.0)).count();
            }
            let recall = hits as f64 / (10 * queries.len()) as f64;
            eprintln!("{} build {build_ratio} search {search_ratio}: recall@10 {recall}", algo.name());
            assert!(
                recall >= floor,
                "{} build {build_ratio} search {search_ratio}: recall {recall}",
                algo.name()
            );
        }
    }
}

#[test]
fn the_same_rows_for_every_algorithm_with_drops() {
    // WAND and MaxScore prune only what cannot enter the approximate top k, so with the same
    // drops every algorithm keeps the same candidates.
    let c = corpus(2000, 1000, 25, 13);
    let body = aligned(&build(c.rows(), ratio(0.3), &Context::background()).unwrap());
    let mut rng = Rng(17);
    for _ in 0..20 {
        let q = vector(&mut rng, 1000, 15, false);
        let want = run(&body, &c, &q, 10, params(SparseAlgo::TaatNaive, 0.3), None);
        for algo in [SparseAlgo::DaatWand, SparseAlgo::DaatMaxscore] {
            assert_same(&run(&body, &c, &q, 10, params(algo, 0.3), None), &want, algo.name());
        }
    }
}

#[test]
fn allowed_rows_only() {
    let c = corpus(2000, 500, 20, 21);
    let n = 2000;
    let body = aligned(&build(c.rows(), DropRatio::ZERO, &Context::background()).unwrap());
    let mut every_third = Bitset::new(n);
    (0..n).step_by(3).for_each(|r| {
        every_third.set(r);
    });
    let mut few = Bitset::new(n);
    for r in [3, 777, 1500, 1999] {
        few.set(r);
    }
    let short = Bitset::full(10);
    let mut rng = Rng(23);
    for _ in 0..10 {
        let q = vector(&mut rng, 500, 30, false);
        for algo in SparseAlgo::ALL {
            for (name, allowed) in [("every third", &every_third), ("few", &few), ("short", &short)] {
                let want = brute_force(c.rows(), &q.0, &q.1, 20, Some(allowed));
                let got = run(&body, &c, &q, 20, params(algo, 0.0), Some(allowed));
                assert!(got.iter().all(|&(r, _)| (r as usize) < allowed.len() && allowed.get(r as usize)));
                assert_same(&got, &want, &format!("{} {name}", algo.name()));
            }
            let none = Bitset::new(n);
            assert!(run(&body, &c, &q, 20, params(algo, 0.0), Some(&none)).is_empty());
        }
    }
}

#[test]
fn empty_rows_queries_and_k() {
    let ctx = Context::background();
    // No rows at all.
    let empty = Corpus { offsets: vec![0], indices: vec![], values: vec![] };
    let body = aligned(&build(empty.rows(), ratio(0.5), &ctx).unwrap());
    assert_eq!(body.len(), HEADER_WORDS + 2);
    validate(bytemuck::cast_slice(&body), empty.rows()).unwrap();
    let q = (vec![1, 2], vec![1.0, 1.0]);
    for algo in SparseAlgo::ALL {
        assert!(run(&body, &empty, &q, 10, params(algo, 0.0), None).is_empty());
    }
    // Rows that are all empty.
    let hollow = Corpus { offsets: vec![0; 6], indices: vec![], values: vec![] };
    let body = aligned(&build(hollow.rows(), DropRatio::ZERO, &ctx).unwrap());
    validate(bytemuck::cast_slice(&body), hollow.rows()).unwrap();
    assert!(run(&body, &hollow, &q, 10, params(SparseAlgo::DaatWand, 0.0), None).is_empty());
    // An empty query, k = 0, a query sharing no dimension, and zero query values.
    let c = corpus(300, 100, 10, 1);
    let body = aligned(&build(c.rows(), DropRatio::ZERO, &ctx).unwrap());
    for algo in SparseAlgo::ALL {
        let p = params(algo, 0.5);
        assert!(run(&body, &c, &(vec![], vec![]), 10, p, None).is_empty());
        assert!(run(&body, &c, &q, 0, p, None).is_empty());
        assert!(run(&body, &c, &(vec![100_000, u32::MAX - 1], vec![1.0, 1.0]), 10, p, None).is_empty());
        assert!(run(&body, &c, &(vec![0, 1, 2], vec![0.0, 0.0, 0.0]), 10, p, None).is_empty());
    }
    assert!(brute_force(c.rows(), &[], &[], 10, None).is_empty());
}

#[test]
fn drop_ratio_search_keeps_the_largest_query_values() {
    let terms = kept_terms(&[1, 2, 3, 4, 5], &[0.5, -0.9, 0.1, 0.3, 0.7], ratio(0.4));
    // ⌊0.4 · 5⌋ = 2: the third smallest magnitude, 0.5, is the threshold.
    assert_eq!(terms, vec![(1, 0.5), (2, -0.9), (5, 0.7)]);
    assert_eq!(kept_terms(&[1, 2], &[0.5, 0.1], DropRatio::ZERO).len(), 2);
    assert_eq!(kept_terms(&[7], &[0.5], ratio(0.99)), vec![(7, 0.5)]);
}

#[test]
fn build_threshold_is_the_quantile() {
    let values: Vec<f32> = (1..=100).map(|i| if i % 2 == 0 { i as f32 } else { -(i as f32) }).collect();
    assert_eq!(build_threshold(&values, ratio(0.25)), 26.0);
    assert_eq!(build_threshold(&values, DropRatio::ZERO), 0.0);
    assert_eq!(build_threshold(&[], ratio(0.5)), 0.0);
}

#[test]
fn wide_dimension_ids_use_the_sorted_table() {
    // Indices near u32::MAX: the dense table would be huge, so dimensions are looked up sorted.
    let high = u32::MAX - 10;
    let c = Corpus {
        offsets: vec![0, 2, 3, 5],
        indices: vec![3, high, high, 3, high + 9],
        values: vec![1.0, 2.0, 4.0, 0.5, 1.0],
    };
    let body = aligned(&build(c.rows(), DropRatio::ZERO, &Context::background()).unwrap());
    validate(bytemuck::cast_slice(&body), c.rows()).unwrap();
    let q = (vec![3, high], vec![1.0, 1.0]);
    for algo in SparseAlgo::ALL {
        assert_eq!(run(&body, &c, &q, 3, params(algo, 0.0), None), vec![(1, -4.0), (0, -3.0), (2, -0.5)]);
    }
}

#[test]
fn malformed_rows_and_queries_are_refused() {
    let ctx = Context::background();
    let bad_rows = [
        Corpus { offsets: vec![0, 2], indices: vec![2, 1], values: vec![1.0, 1.0] },
        Corpus { offsets: vec![0, 2], indices: vec![1, 1], values: vec![1.0, 1.0] },
        Corpus { offsets: vec![0, 1], indices: vec![u32::MAX], values: vec![1.0] },
        Corpus { offsets: vec![0, 1], indices: vec![1], values: vec![f32::NAN] },
        Corpus { offsets: vec![0, 1], indices: vec![1], values: vec![1.0, 2.0] },
        Corpus { offsets: vec![0, 3], indices: vec![1], values: vec![1.0] },
        Corpus { offsets: vec![0, 2, 1], indices: vec![1, 2], values: vec![1.0, 1.0] },
        Corpus { offsets: vec![], indices: vec![], values: vec![] },
    ];
    for c in &bad_rows {
        assert!(matches!(build(c.rows(), DropRatio::ZERO, &ctx), Err(Error::InvalidArgument(_))));
    }
    let e = build(bad_rows[0].rows(), DropRatio::ZERO, &ctx).unwrap_err().to_string();
    assert!(e.contains("sparse row 0") && e.contains("unsorted or same indices"), "{e}");

    let c = corpus(100, 50, 5, 2);
    let body = aligned(&build(c.rows(), DropRatio::ZERO, &ctx).unwrap());
    for (qi, qv) in [(vec![2, 1], vec![1.0, 1.0]), (vec![1], vec![f32::INFINITY]), (vec![1, 2], vec![1.0])] {
        let e = search(
            bytemuck::cast_slice(&body),
            c.rows(),
            &qi,
            &qv,
            5,
            params(SparseAlgo::DaatMaxscore, 0.0),
            None,
        );
        assert!(e.unwrap_err().starts_with("sparse query"));
    }
}

#[test]
fn cancelled_build() {
    let c = corpus(100, 50, 5, 2);
    let ctx = Context::background();
    ctx.cancel();
    assert!(matches!(build(c.rows(), DropRatio::ZERO, &ctx), Err(Error::Cancelled)));
}

#[test]
fn malformed_bodies_are_errors() {
    let c = corpus(300, 100, 8, 9);
    let bytes = build(c.rows(), ratio(0.1), &Context::background()).unwrap();
    let good = aligned(&bytes);
    let q = (vec![0, 1, 3, 10, 20], vec![1.0, 0.5, 0.2, 0.9, 0.4]);
    let p = |algo| params(algo, 0.0);
    validate(&bytes, c.rows()).unwrap();

    // Every truncation, aligned or not.
    for len in 0..bytes.len() {
        assert!(
            search(&bytes[..len], c.rows(), &q.0, &q.1, 5, p(SparseAlgo::TaatNaive), None).is_err(),
            "{len}"
        );
        assert!(validate(&bytes[..len], c.rows()).is_err(), "{len}");
    }
    // Misaligned but otherwise valid bytes still work.
    let mut shifted = vec![0u8; bytes.len() + 1];
    shifted[1..].copy_from_slice(&bytes);
    assert_eq!(
        search(&shifted[1..], c.rows(), &q.0, &q.1, 5, p(SparseAlgo::DaatWand), None).unwrap(),
        run(&good, &c, &q, 5, p(SparseAlgo::DaatWand), None)
    );
    // Rows other than those indexed.
    let other = corpus(299, 100, 8, 9);
    assert!(search(&bytes, other.rows(), &q.0, &q.1, 5, p(SparseAlgo::TaatNaive), None).is_err());
    assert!(validate(&bytes, other.rows()).is_err());

    // Every word set to other values: no search panics, and validate finds every change to the
    // header's counts and the first offset, every NaN bound, row or value, and every u32::MAX
    // dimension.
    let s = Sections::at(good[1] as usize, good[2] as usize);
    let header = [0, 1, 2, 3, 5, 6, 7, s.offsets, s.offsets + 1];
    for at in 0..good.len() {
        for value in [0, 1, good[at].wrapping_add(1), u32::MAX, f32::NAN.to_bits(), 1000] {
            if value == good[at] {
                continue;
            }
            let mut bad = good.clone();
            bad[at] = value;
            let verdict = validate(bytemuck::cast_slice(&bad), c.rows());
            let nan = value == u32::MAX || value == f32::NAN.to_bits();
            if header.contains(&at) || (nan && at >= s.bounds) || (value == u32::MAX && at >= s.dims) {
                assert!(verdict.is_err(), "word {at} = {value}");
            }
            for algo in SparseAlgo::ALL {
                let _ = search(bytemuck::cast_slice(&bad), c.rows(), &q.0, &q.1, 5, p(algo), None);
            }
        }
    }
}

#[test]
fn round_trip_through_the_index_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s1-f2.idx");
    let c = corpus(1000, 400, 15, 31);
    let ctx = Context::background();
    let params_in =
        IndexParams::SparseInvertedIndex { drop_ratio_build: ratio(0.1), algo: SparseAlgo::DaatMaxscore };
    let index = SegmentIndex::build_sparse(&path, params_in, c.rows(), &ctx).unwrap();
    assert_eq!(index.params(), params_in);
    let reopened = SegmentIndex::open(&path).unwrap();
    assert_eq!(reopened.params(), params_in);
    assert_eq!(reopened.metric(), crate::params::Metric::Ip);
    let q = (vec![0, 2, 7, 50], vec![0.5, 1.0, 0.25, 2.0]);
    let search_params = SearchParams { drop_ratio_search: Some(ratio(0.25)), ..SearchParams::default() };
    let got = reopened.search_sparse(c.rows(), &q.0, &q.1, 10, &search_params, None).unwrap();
    let body = aligned(&build(c.rows(), ratio(0.1), &ctx).unwrap());
    assert_eq!(got, run(&body, &c, &q, 10, params(SparseAlgo::DaatMaxscore, 0.25), None));
    assert_eq!(got.len(), 10);

    // SPARSE_WAND records its algorithm too.
    let wand_path = dir.path().join("s1-f3.idx");
    let wand = IndexParams::SparseWand { drop_ratio_build: DropRatio::ZERO };
    SegmentIndex::build_sparse(&wand_path, wand, c.rows(), &ctx).unwrap();
    let wand_index = SegmentIndex::open(&wand_path).unwrap();
    assert_eq!(wand_index.params(), wand);
    let exact = wand_index.search_sparse(c.rows(), &q.0, &q.1, 10, &SearchParams::default(), None).unwrap();
    assert_same(&exact, &brute_force(c.rows(), &q.0, &q.1, 10, None), "SPARSE_WAND file");

    // A bad query is the caller's error, not corruption.
    let e = wand_index.search_sparse(c.rows(), &[2, 1], &[1.0, 1.0], 10, &SearchParams::default(), None);
    assert!(matches!(e, Err(Error::InvalidArgument(_))));
    // Not a sparse index type.
    let hnsw = IndexParams::Hnsw { m: 8, ef_construction: 16 };
    assert!(SegmentIndex::build_sparse(&dir.path().join("x.idx"), hnsw, c.rows(), &ctx).is_err());

    // A damaged body fails its checksum.
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x40;
    std::fs::write(&path, &bytes).unwrap();
    let damaged = SegmentIndex::open(&path).unwrap();
    let e = damaged.search_sparse(c.rows(), &q.0, &q.1, 10, &SearchParams::default(), None);
    assert!(matches!(e, Err(Error::Corrupted { .. })), "{e:?}");
    // The wrong rows fail the structure check.
    let other = corpus(999, 400, 15, 31);
    let e = wand_index.search_sparse(other.rows(), &q.0, &q.1, 10, &SearchParams::default(), None);
    assert!(matches!(e, Err(Error::Corrupted { .. })), "{e:?}");
    let fresh = SegmentIndex::open(&wand_path).unwrap();
    let e = fresh.search_sparse(other.rows(), &q.0, &q.1, 10, &SearchParams::default(), None);
    assert!(matches!(e, Err(Error::Corrupted { .. })), "{e:?}");
    // A bad drop ratio or algorithm in the header is refused on open.
    let mut bytes = std::fs::read(&wand_path).unwrap();
    bytes[20..24].copy_from_slice(&1.5f32.to_bits().to_le_bytes());
    std::fs::write(&wand_path, &bytes).unwrap();
    assert!(matches!(SegmentIndex::open(&wand_path), Err(Error::Corrupted { .. })));
}
