//! Sparse vectors: SPARSE_INVERTED_INDEX / SPARSE_WAND build time, QPS and recall@10 on a
//! synthetic SPLADE-like corpus, against exact brute force over the same rows.
//!
//! The corpus: `--docs` documents (default 100,000; the full benchmark uses 1,000,000) over a
//! vocabulary of 30,000 terms drawn Zipf-distributed (exponent 1.0), each document with a
//! uniform 50..=150 distinct terms (~100), each query with 10..=30 (~20); values exponential
//! (mean 0.5) plus 0.01, as learned sparse weights are. Seeded, so every run sees the same data.
//!
//! Per `drop_ratio_build` (0, 0.2) the index is built once; per algorithm (TAAT_NAIVE,
//! DAAT_WAND = SPARSE_WAND, DAAT_MAXSCORE = SPARSE_INVERTED_INDEX's default) and
//! `drop_ratio_search` (0, 0.2) the queries run one at a time on one thread: QPS and recall@10
//! against the brute-force top 10.
//!
//! ```text
//! cargo bench --bench sparse -- [--docs 100000] [--queries 100] [--out FILE.json]
//!     [--corpus FILE.bin]
//! ```
//! `--corpus` also writes the corpus and the queries (the format `benches/sparse_milvus_lite.py`
//! reads: magic "VLSPARSE", then for the documents and then the queries: count u64, offsets
//! (count + 1) u64, indices u32, values f32, all little-endian) and the brute-force top 10 of
//! every query as `FILE.bin.truth.json`.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use veclite::internals::sparse_index::{self, SparseSearchParams};
use veclite::{Context, DropRatio, SparseAlgo, SparseRows};

const VOCAB: usize = 30_000;
const ZIPF_EXPONENT: f64 = 1.0;
const DOC_TERMS: (usize, usize) = (50, 150);
const QUERY_TERMS: (usize, usize) = (10, 30);
const SEED: u64 = 20_261_207;
const K: usize = 10;

struct Args {
    docs: usize,
    queries: usize,
    out: PathBuf,
    corpus: Option<PathBuf>,
}

fn parse_args() -> Args {
    let mut a =
        Args { docs: 100_000, queries: 100, out: PathBuf::from("target/sparse/results.json"), corpus: None };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--docs" => a.docs = value().parse().expect("--docs"),
            "--queries" => a.queries = value().parse().expect("--queries"),
            "--out" => a.out = value().into(),
            "--corpus" => a.corpus = Some(value().into()),
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

/// Owned CSR rows.
#[derive(Default)]
struct Csr {
    offsets: Vec<u64>,
    indices: Vec<u32>,
    values: Vec<f32>,
}

impl Csr {
    fn rows(&self) -> SparseRows<'_> {
        SparseRows::new(&self.offsets, &self.indices, &self.values).expect("CSR rows")
    }

    fn row(&self, i: usize) -> (&[u32], &[f32]) {
        let (s, e) = (self.offsets[i] as usize, self.offsets[i + 1] as usize);
        (&self.indices[s..e], &self.values[s..e])
    }

    fn write(&self, out: &mut impl Write) -> std::io::Result<()> {
        out.write_all(&((self.offsets.len() - 1) as u64).to_le_bytes())?;
        out.write_all(bytemuck::cast_slice(&self.offsets))?;
        out.write_all(bytemuck::cast_slice(&self.indices))?;
        out.write_all(bytemuck::cast_slice(&self.values))
    }
}

/// Draws Zipf-distributed terms by inverting the cumulative distribution.
struct Zipf {
    cdf: Vec<f64>,
}

impl Zipf {
    fn new(n: usize, s: f64) -> Zipf {
        let mut cdf = Vec::with_capacity(n);
        let mut sum = 0.0;
        for rank in 1..=n {
            sum += 1.0 / (rank as f64).powf(s);
            cdf.push(sum);
        }
        cdf.iter_mut().for_each(|c| *c /= sum);
        Zipf { cdf }
    }

    fn sample(&self, rng: &mut StdRng) -> u32 {
        let u: f64 = rng.random();
        self.cdf.partition_point(|&c| c < u).min(self.cdf.len() - 1) as u32
    }
}

/// `count` vectors of a uniform `terms.0..=terms.1` distinct Zipf terms each.
fn generate(count: usize, terms: (usize, usize), zipf: &Zipf, rng: &mut StdRng) -> Csr {
    let mut csr = Csr { offsets: vec![0], ..Csr::default() };
    let mut row: Vec<u32> = Vec::new();
    for _ in 0..count {
        let want = rng.random_range(terms.0..=terms.1);
        row.clear();
        while row.len() < want {
            row.push(zipf.sample(rng));
            if row.len() == want {
                row.sort_unstable();
                row.dedup();
            }
        }
        for &t in &row {
            csr.indices.push(t);
            csr.values.push(-rng.random::<f32>().max(1e-7).ln() * 0.5 + 0.01);
        }
        csr.offsets.push(csr.indices.len() as u64);
    }
    csr
}

fn ms_since(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn main() {
    let args = parse_args();
    let mut rng = StdRng::seed_from_u64(SEED);
    let zipf = Zipf::new(VOCAB, ZIPF_EXPONENT);
    let t = Instant::now();
    let docs = generate(args.docs, DOC_TERMS, &zipf, &mut rng);
    let queries = generate(args.queries, QUERY_TERMS, &zipf, &mut rng);
    eprintln!(
        "corpus: {} docs, {} non-zeros ({:.1} a doc), {} queries, generated in {:.1} s",
        args.docs,
        docs.indices.len(),
        docs.indices.len() as f64 / args.docs as f64,
        args.queries,
        ms_since(t) / 1e3
    );

    // Brute force: the exact top 10 of every query.
    let t = Instant::now();
    let truth: Vec<Vec<(u32, f32)>> = (0..args.queries)
        .map(|q| {
            let (qi, qv) = queries.row(q);
            sparse_index::brute_force(docs.rows(), qi, qv, K, None)
        })
        .collect();
    let brute_ms = ms_since(t);
    let brute_qps = args.queries as f64 / (brute_ms / 1e3);
    eprintln!("brute force: {brute_qps:.2} QPS");

    if let Some(path) = &args.corpus {
        std::fs::create_dir_all(path.parent().unwrap_or(std::path::Path::new("."))).expect("corpus dir");
        let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("corpus file"));
        out.write_all(b"VLSPARSE").expect("write corpus");
        docs.write(&mut out).expect("write corpus");
        queries.write(&mut out).expect("write corpus");
        out.flush().expect("write corpus");
        let ids: Vec<Vec<u32>> = truth.iter().map(|t| t.iter().map(|c| c.0).collect()).collect();
        let truth_path = format!("{}.truth.json", path.display());
        std::fs::write(&truth_path, serde_json::to_string(&ids).unwrap()).expect("truth file");
        eprintln!("corpus written to {} (truth: {truth_path})", path.display());
    }

    let mut results: Vec<Value> = Vec::new();
    for build_ratio in [0.0f32, 0.2] {
        let drop_build = DropRatio::new("drop_ratio_build", build_ratio).unwrap();
        let t = Instant::now();
        let body = sparse_index::build(docs.rows(), drop_build, &Context::background()).expect("build");
        let build_s = ms_since(t) / 1e3;
        eprintln!("drop_ratio_build {build_ratio}: built in {build_s:.2} s, {} MiB", body.len() >> 20);
        for algo in [SparseAlgo::TaatNaive, SparseAlgo::DaatWand, SparseAlgo::DaatMaxscore] {
            for search_ratio in [0.0f32, 0.2] {
                let params = SparseSearchParams {
                    algo,
                    drop_ratio_search: DropRatio::new("drop_ratio_search", search_ratio).unwrap(),
                };
                let t = Instant::now();
                let mut hits = 0;
                for (q, want) in truth.iter().enumerate() {
                    let (qi, qv) = queries.row(q);
                    let got =
                        sparse_index::search(&body, docs.rows(), qi, qv, K, params, None).expect("search");
                    hits += got.iter().filter(|g| want.iter().any(|w| w.0 == g.0)).count();
                }
                let qps = args.queries as f64 / (ms_since(t) / 1e3);
                let wanted: usize = truth.iter().map(Vec::len).sum();
                let recall = hits as f64 / wanted.max(1) as f64;
                let index =
                    if algo == SparseAlgo::DaatWand { "SPARSE_WAND" } else { "SPARSE_INVERTED_INDEX" };
                eprintln!(
                    "  {index:<22} {:<14} drop_ratio_search {search_ratio}: {qps:>9.1} QPS, recall@10 {recall:.4}",
                    algo.name()
                );
                results.push(json!({
                    "index": index,
                    "inverted_index_algo": algo.name(),
                    "drop_ratio_build": build_ratio,
                    "drop_ratio_search": search_ratio,
                    "build_s": build_s,
                    "index_mib": body.len() as f64 / (1 << 20) as f64,
                    "qps": qps,
                    "recall_at_10": recall,
                }));
            }
        }
    }
    let report = json!({
        "docs": args.docs,
        "queries": args.queries,
        "vocabulary": VOCAB,
        "nnz": docs.indices.len(),
        "brute_force_qps": brute_qps,
        "results": results,
    });
    std::fs::create_dir_all(args.out.parent().unwrap_or(std::path::Path::new("."))).expect("out dir");
    std::fs::write(&args.out, serde_json::to_string_pretty(&report).unwrap()).expect("write results");
    eprintln!("results written to {}", args.out.display());
}
