//! Distance-kernel benchmarks: pair kernels per available path vs simsimd, and the 1-to-N
//! scan of 1,000,000 × 128 vectors vs a plain streaming read of the same bytes.
//!
//! `cargo bench --bench kernels` (add a filter such as `scan` to run one group).

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::read_sum;
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use simsimd::SpatialSimilarity;
use veclite::simd::{self, Kernels};

const PAIR_DIMS: [usize; 4] = [8, 128, 768, 1536];
const SCAN_VECTORS: usize = 1_000_000;
const SCAN_DIM: usize = 128;
const MULTI_QUERIES: usize = 8;

fn random_vec(rng: &mut StdRng, n: usize) -> Vec<f32> {
    (0..n).map(|_| rng.random_range(-1.0f32..1.0)).collect()
}

fn pair_kernels(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(1);
    type Ours = fn(&Kernels, &[f32], &[f32]) -> f32;
    type Theirs = fn(&[f32], &[f32]) -> Option<f64>;
    let metrics: [(&str, Ours, Theirs); 2] = [
        ("pair_l2sq", Kernels::l2sq, <f32 as SpatialSimilarity>::l2sq),
        ("pair_ip", Kernels::ip, <f32 as SpatialSimilarity>::dot),
    ];
    for (group_name, ours, theirs) in metrics {
        let mut group = c.benchmark_group(group_name);
        group
            .sample_size(20)
            .warm_up_time(Duration::from_millis(200))
            .measurement_time(Duration::from_millis(600));
        for dim in PAIR_DIMS {
            let a = random_vec(&mut rng, dim);
            let b = random_vec(&mut rng, dim);
            for k in simd::available() {
                group.bench_function(BenchmarkId::new(k.name(), dim), |bench| {
                    bench.iter(|| ours(&k, black_box(&a), black_box(&b)))
                });
            }
            group.bench_function(BenchmarkId::new("simsimd", dim), |bench| {
                bench.iter(|| theirs(black_box(&a), black_box(&b)))
            });
        }
        group.finish();
    }
}

fn scan(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(2);
    let block = random_vec(&mut rng, SCAN_VECTORS * SCAN_DIM);
    let queries = random_vec(&mut rng, MULTI_QUERIES * SCAN_DIM);
    let query = &queries[..SCAN_DIM];
    let mut out = vec![0.0f32; MULTI_QUERIES * SCAN_VECTORS];
    let bytes = (block.len() * size_of::<f32>()) as u64;

    let mut group = c.benchmark_group("scan_1m_x_128");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .throughput(Throughput::Bytes(bytes));
    group.bench_function("read_sum_baseline", |bench| bench.iter(|| read_sum(black_box(&block))));
    for k in simd::available() {
        group.bench_function(BenchmarkId::new("l2sq_batch", k.name()), |bench| {
            bench.iter(|| k.l2sq_batch(black_box(query), &block, SCAN_DIM, &mut out[..SCAN_VECTORS]))
        });
    }
    let best = simd::active();
    group.bench_function(BenchmarkId::new("ip_batch", best.name()), |bench| {
        bench.iter(|| best.ip_batch(black_box(query), &block, SCAN_DIM, &mut out[..SCAN_VECTORS]))
    });
    group.bench_function("simsimd_l2sq_per_vector", |bench| {
        bench.iter(|| {
            for (o, v) in out.iter_mut().zip(block.chunks_exact(SCAN_DIM)) {
                *o = f32::l2sq(black_box(query), v).unwrap_or(f64::NAN) as f32;
            }
        })
    });
    group.finish();

    // Multi-query: the same bytes are read once for all queries, so throughput counts the block
    // once per query (bytes "scanned" as if each query had its own pass).
    let mut group = c.benchmark_group("scan_1m_x_128_8_queries");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Bytes(bytes * MULTI_QUERIES as u64));
    group.bench_function(BenchmarkId::new("l2sq_multi", best.name()), |bench| {
        bench.iter(|| best.l2sq_multi(black_box(&queries), MULTI_QUERIES, &block, SCAN_DIM, &mut out))
    });
    group.bench_function(BenchmarkId::new("l2sq_batch_per_query", best.name()), |bench| {
        bench.iter(|| {
            for (q, row) in queries.chunks_exact(SCAN_DIM).zip(out.chunks_exact_mut(SCAN_VECTORS)) {
                best.l2sq_batch(black_box(q), &block, SCAN_DIM, row);
            }
        })
    });
    group.finish();
}

criterion_group!(benches, pair_kernels, scan);
criterion_main!(benches);
