//! Distance-kernel benchmarks: pair kernels per available path vs simsimd, and the 1-to-N
//! scan of 1,000,000 × 128 vectors vs a plain streaming read of the same bytes; the same for
//! the other vector types: float16 / bfloat16 scans against the f32 scan of the same rows,
//! int8 scans, and Hamming / Jaccard scans of 1,000,000 × 1024-bit vectors.
//!
//! `cargo bench --bench kernels` (add a filter such as `scan` or `types` to run some groups).

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::read_sum;
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use simsimd::{BinarySimilarity, SpatialSimilarity};
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

const BINARY_BYTES: usize = 128;

fn random_bytes(rng: &mut StdRng, n: usize) -> Vec<u8> {
    (0..n).map(|_| rng.random()).collect()
}

fn random_i8(rng: &mut StdRng, n: usize) -> Vec<i8> {
    (0..n).map(|_| rng.random()).collect()
}

/// Pair kernels of the other vector types per path, against simsimd where it has the function
/// (its float16 / bfloat16 kernels take a 16-bit query; ours an f32 one).
fn types_pair_kernels(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(3);
    let mut group = c.benchmark_group("types_pair");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_millis(600));
    let (a, b) = (random_bytes(&mut rng, BINARY_BYTES), random_bytes(&mut rng, BINARY_BYTES));
    for k in simd::available() {
        let (hamming, jaccard) = (k.hamming(), k.jaccard());
        group.bench_function(
            BenchmarkId::new(format!("hamming_1024b/{}", hamming.path()), k.name()),
            |bench| bench.iter(|| hamming.pair(black_box(&a), black_box(&b))),
        );
        group.bench_function(
            BenchmarkId::new(format!("jaccard_1024b/{}", jaccard.path()), k.name()),
            |bench| bench.iter(|| jaccard.pair(black_box(&a), black_box(&b))),
        );
    }
    group.bench_function("hamming_1024b/simsimd", |bench| {
        bench.iter(|| u8::hamming(black_box(&a), black_box(&b)))
    });
    group.bench_function("jaccard_1024b/simsimd", |bench| {
        bench.iter(|| u8::jaccard(black_box(&a), black_box(&b)))
    });
    for dim in [128, 768] {
        let query = random_vec(&mut rng, dim);
        let half: Vec<u16> = random_vec(&mut rng, dim).into_iter().map(simd::f32_to_f16).collect();
        let query16: Vec<simsimd::f16> = query.iter().map(|&x| simsimd::f16(simd::f32_to_f16(x))).collect();
        let half16: Vec<simsimd::f16> = half.iter().map(|&h| simsimd::f16(h)).collect();
        let (x, y) = (random_i8(&mut rng, dim), random_i8(&mut rng, dim));
        for k in simd::available() {
            let (f16, i8k) = (k.l2sq_f16(), k.l2sq_i8());
            group.bench_function(
                BenchmarkId::new(format!("l2sq_f16_{dim}/{}", f16.path()), k.name()),
                |bench| bench.iter(|| f16.pair(black_box(&query), black_box(&half))),
            );
            group.bench_function(
                BenchmarkId::new(format!("l2sq_i8_{dim}/{}", i8k.path()), k.name()),
                |bench| bench.iter(|| i8k.pair(black_box(&x), black_box(&y))),
            );
        }
        group.bench_function(format!("l2sq_f16_{dim}/simsimd"), |bench| {
            bench.iter(|| simsimd::f16::l2sq(black_box(&query16), black_box(&half16)))
        });
        group.bench_function(format!("l2sq_i8_{dim}/simsimd"), |bench| {
            bench.iter(|| i8::l2sq(black_box(&x), black_box(&y)))
        });
    }
    group.finish();
}

/// One-query scans of 1,000,000 vectors of each type, next to the f32 scan of the same rows and
/// a plain read of as many bytes as the 2-byte blocks hold.
fn types_scan(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(4);
    let block = random_vec(&mut rng, SCAN_VECTORS * SCAN_DIM);
    let half: Vec<u16> = block.iter().map(|&x| simd::f32_to_f16(x)).collect();
    let bhalf: Vec<u16> = block.iter().map(|&x| simd::f32_to_bf16(x)).collect();
    let query = random_vec(&mut rng, SCAN_DIM);
    let mut out = vec![0.0f32; SCAN_VECTORS];
    let best = simd::active();

    let mut group = c.benchmark_group("types_scan_1m_x_128");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    // Throughput in vectors, so the types compare at the same row count.
    group.throughput(Throughput::Elements(SCAN_VECTORS as u64));
    group.bench_function("read_sum_baseline_2_bytes_per_element", |bench| {
        bench.iter(|| read_sum(black_box(&block[..block.len() / 2])))
    });
    group.bench_function("read_sum_baseline_4_bytes_per_element", |bench| {
        bench.iter(|| read_sum(black_box(&block)))
    });
    group.bench_function("read_sum_baseline_1_byte_per_element", |bench| {
        bench.iter(|| read_sum(black_box(&block[..block.len() / 4])))
    });
    group.bench_function(BenchmarkId::new("f32_l2sq_batch", best.name()), |bench| {
        bench.iter(|| best.l2sq_batch(black_box(&query), &block, SCAN_DIM, &mut out))
    });
    drop(block);
    for k in simd::available() {
        let (l2, ip, bl2) = (k.l2sq_f16(), k.ip_f16(), k.l2sq_bf16());
        group.bench_function(BenchmarkId::new("f16_l2sq_batch", l2.path()), |bench| {
            bench.iter(|| l2.batch(black_box(&query), &half, SCAN_DIM, &mut out))
        });
        group.bench_function(BenchmarkId::new("f16_ip_batch", ip.path()), |bench| {
            bench.iter(|| ip.batch(black_box(&query), &half, SCAN_DIM, &mut out))
        });
        group.bench_function(BenchmarkId::new("bf16_l2sq_batch", bl2.path()), |bench| {
            bench.iter(|| bl2.batch(black_box(&query), &bhalf, SCAN_DIM, &mut out))
        });
    }
    drop((half, bhalf));

    let int8 = random_i8(&mut rng, SCAN_VECTORS * SCAN_DIM);
    let query8 = random_i8(&mut rng, SCAN_DIM);
    for k in simd::available() {
        let (l2, ip) = (k.l2sq_i8(), k.ip_i8());
        group.bench_function(BenchmarkId::new("i8_l2sq_batch", l2.path()), |bench| {
            bench.iter(|| l2.batch(black_box(&query8), &int8, SCAN_DIM, &mut out))
        });
        group.bench_function(BenchmarkId::new("i8_ip_batch", ip.path()), |bench| {
            bench.iter(|| ip.batch(black_box(&query8), &int8, SCAN_DIM, &mut out))
        });
    }
    drop(int8);

    // 1,000,000 × 1024 bits: as many bytes as int8 × 128.
    let bits = random_bytes(&mut rng, SCAN_VECTORS * BINARY_BYTES);
    let query_bits = random_bytes(&mut rng, BINARY_BYTES);
    for k in simd::available() {
        let (hamming, jaccard) = (k.hamming(), k.jaccard());
        group.bench_function(BenchmarkId::new("hamming_1024b_batch", hamming.path()), |bench| {
            bench.iter(|| hamming.batch(black_box(&query_bits), &bits, BINARY_BYTES, &mut out))
        });
        group.bench_function(BenchmarkId::new("jaccard_1024b_batch", jaccard.path()), |bench| {
            bench.iter(|| jaccard.batch(black_box(&query_bits), &bits, BINARY_BYTES, &mut out))
        });
    }
    group.finish();
}

criterion_group!(benches, pair_kernels, scan, types_pair_kernels, types_scan);
criterion_main!(benches);
