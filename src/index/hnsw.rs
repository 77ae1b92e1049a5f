//! HNSW: a hierarchical navigable small-world graph over a segment's vectors.
//!
//! Build inserts rows one by one (in parallel on the worker threads after a short serial
//! start): a greedy descent through the upper layers, a beam search of width `efConstruction`
//! on each layer the row belongs to, neighbor selection by the diversity heuristic, and pruning of
//! neighbors that exceed their capacity (`M` links on upper layers, `2M` on layer 0). Levels are
//! drawn with `P(level ≥ l) = M^-l` from a fixed seed.
//!
//! Serialized body (all u32 little-endian; sections 4-byte aligned):
//!
//! ```text
//! n | m | m0 | max_level | entry | upper_slots
//! levels        n × u8, zero-padded to a multiple of 4
//! layer 0       n × (1 + m0) u32: count, then up to m0 neighbor rows
//! upper offset  n × u32: first upper slot of the row (its layers 1..=level use consecutive slots)
//! upper         upper_slots × (1 + m) u32: count, then up to m neighbor rows
//! ```
//!
//! Search descends greedily to layer 0, then runs a beam search of width `max(ef, k)` that
//! traverses every row but only returns allowed ones (deleted rows and filtered-out rows still
//! guide the search, so results stay k long when k allowed rows exist).

use std::cell::RefCell;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};
use std::sync::{Mutex, MutexGuard, RwLock};

use super::{Candidates, IndexQuery, Space};
use crate::context::Context;
use crate::error::Result;
use crate::params::{DEFAULT_EF, Metric};

/// Highest level a row may get.
const MAX_LEVEL: usize = 16;
/// Rows inserted serially before the parallel phase.
const SERIAL_START: usize = 1024;
/// Rows per unit of parallel work (cancellation is checked between units).
const CHUNK: usize = 256;

/// A (cost, row) pair ordered by cost, then row.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Near {
    cost: f32,
    row: u32,
}

impl Eq for Near {}

impl Ord for Near {
    fn cmp(&self, other: &Self) -> Ordering {
        self.cost.total_cmp(&other.cost).then(self.row.cmp(&other.row))
    }
}

impl PartialOrd for Near {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Epoch-stamped visited marks, reused across searches on one thread: a row is visited when its
/// mark equals the current epoch, so starting a search costs no clearing (except once every
/// `u16::MAX` searches, when the epoch wraps).
#[derive(Debug, Default)]
struct Visited {
    marks: Vec<u16>,
    epoch: u16,
}

impl Visited {
    /// Forgets every mark and makes room for rows `0..n`.
    fn reset(&mut self, n: usize) {
        if self.marks.len() < n {
            self.marks.resize(n, 0);
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.marks.fill(0);
            self.epoch = 1;
        }
    }

    /// Marks `row`; returns whether it was unmarked.
    #[inline]
    fn insert(&mut self, row: u32) -> bool {
        let m = &mut self.marks[row as usize];
        let fresh = *m != self.epoch;
        *m = self.epoch;
        fresh
    }
}

/// Buffers of one thread's graph searches, reused from search to search.
#[derive(Debug, Default)]
struct Scratch {
    visited: Visited,
    /// Rows still to expand, best first.
    frontier: BinaryHeap<Reverse<Near>>,
    /// The best `ef` allowed rows so far, worst on top.
    results: BinaryHeap<Near>,
    /// Unvisited neighbors of the row being expanded, and their costs.
    pending: Vec<u32>,
    costs: Vec<f32>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Read access to a graph: the frozen serialized view or the graph being built.
trait Graph {
    /// Number of rows.
    fn len(&self) -> usize;

    /// Calls `f` with the neighbors of `row` on `layer`.
    fn with_neighbors<R>(&self, row: u32, layer: usize, f: impl FnOnce(&[u32]) -> R) -> R;

    /// Starts loading the neighbor list of `row` on `layer` into cache (a hint).
    fn prefetch_neighbors(&self, _row: u32, _layer: usize) {}
}

/// Costs of rows to one fixed point: a query, or the row being inserted.
trait Scorer {
    /// `out[i]` = cost of `rows[i]`; `rows` and `out` have the same length.
    fn costs(&self, rows: &[u32], out: &mut [f32]);

    /// Starts loading the vector of `row` into cache (a hint).
    fn prefetch(&self, row: u32);

    /// Cost of one row.
    fn cost(&self, row: u32) -> f32 {
        let mut out = [0.0];
        self.costs(&[row], &mut out);
        out[0]
    }
}

/// A query's costs to the rows of `space`.
struct QueryScorer<S: Space> {
    space: S,
    query: S::Query,
    norm: f32,
}

impl<S: Space> Scorer for QueryScorer<S> {
    #[inline]
    fn costs(&self, rows: &[u32], out: &mut [f32]) {
        self.space.query_costs(self.query, self.norm, rows, out);
    }

    #[inline]
    fn prefetch(&self, row: u32) {
        self.space.prefetch(row as usize);
    }
}

/// Rows that may extend the pending list of one expansion before the scoring kernel takes over
/// prefetching: the first few are prefetched as they are found.
const PREFETCH_FIRST: usize = 4;

/// Collects the unvisited neighbors of `row` on `layer` into `pending`, marking them visited
/// and prefetching the vectors of the first [`PREFETCH_FIRST`].
fn collect<G: Graph, S: Scorer>(
    g: &G,
    scorer: &S,
    row: u32,
    layer: usize,
    visited: &mut Visited,
    pending: &mut Vec<u32>,
) {
    pending.clear();
    g.with_neighbors(row, layer, |ns| {
        for &r in ns {
            if visited.insert(r) {
                if pending.len() < PREFETCH_FIRST {
                    scorer.prefetch(r);
                }
                pending.push(r);
            }
        }
    });
}

/// Greedy descent: the closest row to the query on `layer`, starting from `best`.
fn greedy<G: Graph, S: Scorer>(
    g: &G,
    scorer: &S,
    mut best: Near,
    layer: usize,
    scratch: &mut Scratch,
) -> Near {
    let Scratch { pending, costs, .. } = scratch;
    loop {
        pending.clear();
        g.with_neighbors(best.row, layer, |ns| pending.extend_from_slice(ns));
        costs.resize(pending.len(), 0.0);
        scorer.costs(pending, costs);
        let mut improved = false;
        for (&row, &cost) in pending.iter().zip(costs.iter()) {
            if cost < best.cost {
                best = Near { cost, row };
                improved = true;
            }
        }
        if !improved {
            return best;
        }
    }
}

/// The cost a row must beat to enter `results`: that of the worst kept row once `ef` are kept.
#[inline]
fn bound(results: &BinaryHeap<Near>, ef: usize) -> f32 {
    if results.len() >= ef { results.peek().map_or(f32::INFINITY, |w| w.cost) } else { f32::INFINITY }
}

/// Beam search of width `ef` on `layer` from `entries`. Returns up to `ef` rows that pass
/// `allowed`, best first; rows that do not pass still guide the search.
///
/// The search stops when the best unexpanded row is worse than the worst of `ef` kept rows.
/// Each expansion collects the row's unvisited neighbors, then scores them in one gathered
/// kernel call.
#[allow(clippy::too_many_arguments)]
fn beam<G: Graph, S: Scorer>(
    g: &G,
    scorer: &S,
    entries: &[Near],
    ef: usize,
    layer: usize,
    allowed: &impl Fn(u32) -> bool,
    scratch: &mut Scratch,
) -> Vec<Near> {
    let Scratch { visited, frontier, results, pending, costs } = scratch;
    visited.reset(g.len());
    frontier.clear();
    results.clear();
    for &e in entries {
        if visited.insert(e.row) {
            frontier.push(Reverse(e));
            if allowed(e.row) {
                results.push(e);
            }
        }
    }
    while results.len() > ef {
        results.pop();
    }
    while let Some(Reverse(current)) = frontier.pop() {
        if current.cost > bound(results, ef) {
            break;
        }
        if let Some(Reverse(next)) = frontier.peek() {
            g.prefetch_neighbors(next.row, layer);
        }
        collect(g, scorer, current.row, layer, visited, pending);
        costs.resize(pending.len(), 0.0);
        scorer.costs(pending, costs);
        let mut worst = bound(results, ef);
        for (&row, &cost) in pending.iter().zip(costs.iter()) {
            if cost < worst {
                let near = Near { cost, row };
                frontier.push(Reverse(near));
                if allowed(row) {
                    results.push(near);
                    if results.len() > ef {
                        results.pop();
                    }
                    worst = bound(results, ef);
                }
            }
        }
    }
    let mut found: Vec<Near> = results.drain().collect();
    found.sort_unstable();
    found
}

/// Diversity heuristic: keeps a candidate only if it is closer to the base row than to every
/// neighbor already kept; at most `m` rows. `cost(a, b)` is the build cost between two rows.
fn select(cost: &impl Fn(u32, u32) -> f32, candidates: &[Near], m: usize) -> Vec<u32> {
    let mut kept: Vec<Near> = Vec::with_capacity(m);
    for &c in candidates {
        if kept.len() >= m {
            break;
        }
        if kept.iter().all(|k| cost(c.row, k.row) > c.cost) {
            kept.push(c);
        }
    }
    kept.into_iter().map(|k| k.row).collect()
}

/// Links of one row while building. Layer 0 is held inline (not in `upper`) so that reading it
/// costs one pointer hop from the lock instead of two: the build is bound by these cache misses.
#[derive(Debug, Default)]
struct Links {
    layer0: Vec<u32>,
    /// Layers 1..=level.
    upper: Box<[Vec<u32>]>,
}

impl Links {
    fn layer(&self, layer: usize) -> &[u32] {
        match layer {
            0 => &self.layer0,
            l => self.upper.get(l - 1).map_or(&[], |v| v.as_slice()),
        }
    }

    fn layer_mut(&mut self, layer: usize) -> &mut Vec<u32> {
        match layer {
            0 => &mut self.layer0,
            l => &mut self.upper[l - 1],
        }
    }
}

/// The graph under construction.
///
/// The graph is built in a metric space: L2 for L2, the angle (negated cosine) for COSINE, and
/// for IP the L2 distance after appending `sqrt(max_norm² − |x|²)` to every vector, which orders
/// rows by inner product exactly for a query (augmented with 0) while keeping the triangle
/// inequality the neighbor heuristic relies on.
struct Builder<S: Space> {
    space: S,
    /// The same vectors under L2 (the build metric of IP).
    l2: S,
    /// The appended coordinate of each row (IP only).
    augment: Vec<f32>,
    m: usize,
    m0: usize,
    ef: usize,
    levels: Vec<u8>,
    links: Vec<Mutex<Links>>,
    /// Entry row and top level.
    top: RwLock<Option<(u32, usize)>>,
}

fn lock(m: &Mutex<Links>) -> MutexGuard<'_, Links> {
    // Links are only ever replaced whole while locked, so a poisoned lock still holds a
    // consistent list.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl<S: Space> Graph for Builder<S> {
    fn len(&self) -> usize {
        self.levels.len()
    }

    fn with_neighbors<R>(&self, row: u32, layer: usize, f: impl FnOnce(&[u32]) -> R) -> R {
        let links = lock(&self.links[row as usize]);
        f(links.layer(layer))
    }
}

impl<S: Space> Builder<S> {
    /// Build cost between rows `a` and `b` (see the type's doc).
    #[inline]
    fn cost(&self, a: u32, b: u32) -> f32 {
        let (a, b) = (a as usize, b as usize);
        match self.space.metric() {
            Metric::Ip => {
                let d = self.augment[a] - self.augment[b];
                self.l2.row_cost(a, b) + d * d
            }
            _ => self.space.row_cost(a, b),
        }
    }

    fn insert(&self, row: u32, scratch: &mut Scratch) {
        let level = self.levels[row as usize] as usize;
        let top = *self.top.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some((entry, max_level)) = top else {
            let mut top = self.top.write().unwrap_or_else(std::sync::PoisonError::into_inner);
            if top.is_none() {
                *top = Some((row, level));
                return;
            }
            drop(top);
            return self.insert(row, scratch);
        };
        let scorer = BuildScorer { builder: self, row };
        let mut ep = Near { cost: scorer.cost(entry), row: entry };
        for layer in (level + 1..=max_level).rev() {
            ep = greedy(self, &scorer, ep, layer, scratch);
        }
        let mut entries = vec![ep];
        for layer in (0..=level.min(max_level)).rev() {
            let found = beam(self, &scorer, &entries, self.ef, layer, &|_| true, scratch);
            let neighbors = select(&|a, b| self.cost(a, b), &found, self.m);
            *lock(&self.links[row as usize]).layer_mut(layer) = neighbors.clone();
            let cap = if layer == 0 { self.m0 } else { self.m };
            for &nb in &neighbors {
                self.link(nb, row, layer, cap);
            }
            entries = found;
        }
        if level > max_level {
            let mut top = self.top.write().unwrap_or_else(std::sync::PoisonError::into_inner);
            if top.is_some_and(|(_, l)| level > l) {
                *top = Some((row, level));
            }
        }
    }

    /// Adds `row` to the links of `to` on `layer`, pruning with the heuristic past `cap`.
    fn link(&self, to: u32, row: u32, layer: usize, cap: usize) {
        let mut links = lock(&self.links[to as usize]);
        let list = links.layer_mut(layer);
        if list.contains(&row) {
            return;
        }
        if list.len() < cap {
            list.push(row);
            return;
        }
        let mut candidates: Vec<Near> = list
            .iter()
            .chain(std::iter::once(&row))
            .map(|&r| Near { cost: self.cost(to, r), row: r })
            .collect();
        candidates.sort();
        *list = select(&|a, b| self.cost(a, b), &candidates, cap);
    }
}

/// Build costs from one row to the others (see [`Builder`]).
struct BuildScorer<'b, S: Space> {
    builder: &'b Builder<S>,
    row: u32,
}

impl<S: Space> Scorer for BuildScorer<'_, S> {
    fn costs(&self, rows: &[u32], out: &mut [f32]) {
        let (b, row) = (self.builder, self.row as usize);
        match b.space.metric() {
            Metric::Ip => {
                b.l2.row_costs(row, rows, out);
                for (o, &r) in out.iter_mut().zip(rows) {
                    let d = b.augment[row] - b.augment[r as usize];
                    *o += d * d;
                }
            }
            _ => b.space.row_costs(row, rows, out),
        }
    }

    fn prefetch(&self, row: u32) {
        self.builder.space.prefetch(row as usize);
    }
}

/// Deterministic level draws: `floor(-ln(u) / ln(m))`, capped.
fn draw_levels(n: usize, m: usize) -> Vec<u8> {
    let mult = 1.0 / (m.max(2) as f64).ln();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            // splitmix64 step: a fixed, reproducible sequence of draws.
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            let u = ((z >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
            ((-u.ln() * mult).floor() as usize).min(MAX_LEVEL) as u8
        })
        .collect()
}

/// Builds the graph over `vectors` with `threads` workers; returns the serialized body.
///
/// # Errors
/// [`crate::error::Error::Cancelled`] / [`crate::error::Error::DeadlineExceeded`] from `ctx`.
pub fn build<S: Space>(
    vectors: S,
    m: usize,
    ef_construction: usize,
    threads: usize,
    ctx: &Context,
) -> Result<Vec<u8>> {
    let n = vectors.len();
    let m = m.max(2);
    let levels = draw_levels(n, m);
    let augment = match vectors.metric() {
        Metric::Ip => {
            let norms = vectors.norms();
            let max = norms.iter().fold(0.0f32, |a, &b| a.max(b));
            norms.iter().map(|&x| (max * max - x * x).max(0.0).sqrt()).collect()
        }
        _ => Vec::new(),
    };
    let builder = Builder {
        space: vectors,
        l2: vectors.with_metric(Metric::L2),
        augment,
        m,
        m0: 2 * m,
        ef: ef_construction.max(m),
        links: levels
            .iter()
            .map(|&l| {
                Mutex::new(Links {
                    layer0: Vec::new(),
                    upper: vec![Vec::new(); l as usize].into_boxed_slice(),
                })
            })
            .collect(),
        levels,
        top: RwLock::new(None),
    };
    let serial = n.min(SERIAL_START);
    let mut scratch = Scratch::default();
    for row in 0..serial {
        if row % CHUNK == 0 {
            ctx.check()?;
        }
        builder.insert(row as u32, &mut scratch);
    }
    let next = AtomicUsize::new(serial);
    let work = || -> Result<()> {
        let mut scratch = Scratch::default();
        loop {
            let start = next.fetch_add(CHUNK, AtomicOrdering::Relaxed);
            if start >= n {
                return Ok(());
            }
            ctx.check()?;
            for row in start..(start + CHUNK).min(n) {
                builder.insert(row as u32, &mut scratch);
            }
        }
    };
    if threads <= 1 || n - serial < 2 * CHUNK {
        work()?;
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads).map(|_| s.spawn(work)).collect();
            handles.into_iter().try_for_each(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
        })?;
    }
    Ok(serialize(&builder))
}

fn serialize<S: Space>(b: &Builder<S>) -> Vec<u8> {
    let n = b.levels.len();
    let (entry, max_level) =
        b.top.read().unwrap_or_else(std::sync::PoisonError::into_inner).map_or((0, 0), |(e, l)| (e, l));
    let upper_slots: usize = b.levels.iter().map(|&l| l as usize).sum();
    let mut out: Vec<u32> =
        vec![n as u32, b.m as u32, b.m0 as u32, max_level as u32, entry, upper_slots as u32];
    let mut level_bytes = b.levels.clone();
    level_bytes.resize(n.div_ceil(4) * 4, 0);
    out.extend(level_bytes.chunks(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])));
    let mut upper_offset = Vec::with_capacity(n);
    let mut upper = Vec::with_capacity(upper_slots * (1 + b.m));
    let mut slot = 0u32;
    for (row, links) in b.links.iter().enumerate() {
        let links = lock(links);
        let layer0 = links.layer0.as_slice();
        out.push(layer0.len() as u32);
        out.extend_from_slice(layer0);
        out.extend(std::iter::repeat_n(0, b.m0 - layer0.len()));
        upper_offset.push(slot);
        for layer in links.upper.iter() {
            upper.push(layer.len() as u32);
            upper.extend_from_slice(layer);
            upper.extend(std::iter::repeat_n(0, b.m - layer.len()));
        }
        slot += b.levels[row] as u32;
    }
    out.extend_from_slice(&upper_offset);
    out.extend_from_slice(&upper);
    bytemuck::cast_slice(&out).to_vec()
}

/// A validated view of a serialized graph.
struct View<'a> {
    n: usize,
    m: usize,
    m0: usize,
    max_level: usize,
    entry: u32,
    levels: &'a [u8],
    layer0: &'a [u32],
    upper_offset: &'a [u32],
    upper: &'a [u32],
    upper_slots: usize,
}

impl<'a> View<'a> {
    /// Parses the header and sections; the links themselves are checked by [`validate`].
    fn parse(body: &'a [u8], vectors_len: usize) -> std::result::Result<View<'a>, String> {
        let words: &[u32] =
            bytemuck::try_cast_slice(body).map_err(|e| format!("misaligned HNSW body: {e}"))?;
        let header = words.get(..6).ok_or("HNSW header truncated")?;
        let [n, m, m0, max_level, entry, upper_slots] = [0, 1, 2, 3, 4, 5].map(|i| header[i] as usize);
        if n != vectors_len {
            return Err(format!("HNSW graph has {n} rows, the segment {vectors_len}"));
        }
        if m < 2 || m0 < m || max_level > MAX_LEVEL || (n > 0 && entry >= n) {
            return Err("HNSW header values out of range".into());
        }
        let mut at = 6;
        let mut take = |count: usize| -> std::result::Result<&'a [u32], String> {
            let end = at + count;
            let s = words.get(at..end).ok_or("HNSW body truncated")?;
            at = end;
            Ok(s)
        };
        let levels = &bytemuck::cast_slice::<u32, u8>(take(n.div_ceil(4))?)[..n];
        let layer0 = take(n * (1 + m0))?;
        let upper_offset = take(n)?;
        let upper = take(upper_slots * (1 + m))?;
        if at != words.len() {
            return Err("HNSW body has trailing bytes".into());
        }
        Ok(View {
            n,
            m,
            m0,
            max_level,
            entry: entry as u32,
            levels,
            layer0,
            upper_offset,
            upper,
            upper_slots,
        })
    }

    /// Every count and neighbor is in range, so searches never index out of bounds.
    fn check(&self) -> std::result::Result<(), String> {
        let upper_slots = self.upper_slots;
        let bad_list = |list: &[u32], cap: usize| {
            let count = list[0] as usize;
            count > cap || list[1..=count].iter().any(|&r| r as usize >= self.n)
        };
        for row in 0..self.n {
            let l0 = &self.layer0[row * (1 + self.m0)..(row + 1) * (1 + self.m0)];
            let level = self.levels[row] as usize;
            let first = self.upper_offset[row] as usize;
            if bad_list(l0, self.m0) || level > self.max_level || first + level > upper_slots {
                return Err(format!("HNSW links of row {row} out of range"));
            }
            for slot in first..first + level {
                if bad_list(&self.upper[slot * (1 + self.m)..(slot + 1) * (1 + self.m)], self.m) {
                    return Err(format!("HNSW upper links of row {row} out of range"));
                }
            }
        }
        Ok(())
    }
}

impl Graph for View<'_> {
    fn len(&self) -> usize {
        self.n
    }

    #[inline]
    fn prefetch_neighbors(&self, row: u32, layer: usize) {
        if layer == 0 {
            let at = row as usize * (1 + self.m0);
            if let Some(list) = self.layer0.get(at..at + 1 + self.m0) {
                crate::simd::prefetch_u32(list);
            }
        }
    }

    #[inline]
    fn with_neighbors<R>(&self, row: u32, layer: usize, f: impl FnOnce(&[u32]) -> R) -> R {
        let row = row as usize;
        if layer == 0 {
            let list = &self.layer0[row * (1 + self.m0)..(row + 1) * (1 + self.m0)];
            return f(&list[1..=list[0] as usize]);
        }
        if layer > self.levels[row] as usize {
            return f(&[]);
        }
        let slot = self.upper_offset[row] as usize + layer - 1;
        let list = &self.upper[slot * (1 + self.m)..(slot + 1) * (1 + self.m)];
        f(&list[1..=list[0] as usize])
    }
}

/// Checks a serialized graph completely: header, sections and every link. Searches assume a
/// body that passed this check once.
///
/// # Errors
/// A description of the first problem found.
pub fn validate(body: &[u8], vectors_len: usize) -> std::result::Result<(), String> {
    View::parse(body, vectors_len)?.check()
}

/// Searches a serialized graph (checked with [`validate`]) for the best `query.k` allowed rows,
/// best first.
///
/// # Errors
/// A description of the problem when the body's header or sections do not fit these vectors.
pub fn search<S: Space>(
    body: &[u8],
    vectors: S,
    query: &IndexQuery<'_, S::Query>,
) -> std::result::Result<Candidates, String> {
    let view = View::parse(body, vectors.len())?;
    if view.n == 0 || query.k == 0 {
        return Ok(Vec::new());
    }
    let scorer = QueryScorer { space: vectors, query: query.vector, norm: query.norm };
    let ef = query.params.ef.unwrap_or(DEFAULT_EF).max(query.k);
    let allowed = |r: u32| query.allowed.is_none_or(|a| a.get(r as usize));
    let found = SCRATCH.with(|s| {
        let scratch = &mut s.borrow_mut();
        let mut ep = Near { cost: scorer.cost(view.entry), row: view.entry };
        for layer in (1..=view.max_level).rev() {
            ep = greedy(&view, &scorer, ep, layer, scratch);
        }
        beam(&view, &scorer, &[ep], ef, 0, &allowed, scratch)
    });
    Ok(found.into_iter().take(query.k).map(|h| (h.row, h.cost)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bitset::Bitset;
    use crate::index::Vectors;
    use crate::params::SearchParams;
    use rand::{Rng, SeedableRng};

    fn clustered(n: usize, dim: usize, seed: u64) -> Vec<f32> {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let centers: Vec<Vec<f32>> =
            (0..20).map(|_| (0..dim).map(|_| rng.random_range(-1.0..1.0)).collect()).collect();
        (0..n)
            .flat_map(|i| {
                let c = &centers[i % 20];
                c.iter().map(|x| x + rng.random_range(-0.3..0.3)).collect::<Vec<_>>()
            })
            .collect()
    }

    fn exact(v: &Vectors<'_>, q: &[f32], qn: f32, k: usize, allowed: Option<&Bitset>) -> Vec<u32> {
        let mut all: Vec<Near> = (0..v.len())
            .filter(|&r| allowed.is_none_or(|a| a.get(r)))
            .map(|r| Near { cost: v.cost(q, qn, r), row: r as u32 })
            .collect();
        all.sort();
        all.into_iter().take(k).map(|h| h.row).collect()
    }

    #[test]
    fn recall_is_high_for_every_metric_and_filters_hold() {
        let (n, dim) = (3_000, 24);
        let data = clustered(n, dim, 1);
        let norms: Vec<f32> = data.chunks(dim).map(crate::simd::norm).collect();
        let queries = clustered(50, dim, 2);
        for metric in [Metric::L2, Metric::Ip, Metric::Cosine] {
            let v = Vectors { dim, data: &data, norms: &norms, metric };
            let body = build(v, 16, 100, 2, &Context::background()).unwrap();
            let mut allowed = Bitset::new(n);
            (0..n).step_by(3).for_each(|r| {
                allowed.set(r);
            });
            for filter in [None, Some(&allowed)] {
                let (mut hit, mut total) = (0, 0);
                for q in queries.chunks(dim) {
                    let qn = crate::simd::norm(q);
                    let query = IndexQuery {
                        vector: q,
                        norm: qn,
                        k: 10,
                        params: SearchParams { ef: Some(128), nprobe: None, drop_ratio_search: None },
                        allowed: filter,
                    };
                    let got = search(&body, v, &query).unwrap();
                    assert_eq!(got.len(), 10);
                    assert!(got.windows(2).all(|w| w[0].1 <= w[1].1), "sorted best first");
                    assert!(got.iter().all(|(r, _)| filter.is_none_or(|a| a.get(*r as usize))));
                    let truth = exact(&v, q, qn, 10, filter);
                    hit += got.iter().filter(|(r, _)| truth.contains(r)).count();
                    total += 10;
                }
                let recall = hit as f64 / total as f64;
                assert!(recall >= 0.95, "{metric:?} filter={}: recall {recall}", filter.is_some());
            }
        }
    }

    #[test]
    fn tiny_graphs_and_malformed_bodies() {
        let data = [1.0f32, 0.0, 0.0, 1.0];
        let norms = [1.0, 1.0];
        for n in [0usize, 1, 2] {
            let v = Vectors { dim: 2, data: &data[..n * 2], norms: &norms[..n], metric: Metric::L2 };
            let body = build(v, 4, 8, 1, &Context::background()).unwrap();
            let q = IndexQuery {
                vector: &[1.0f32, 0.0][..],
                norm: 1.0,
                k: 5,
                params: SearchParams::default(),
                allowed: None,
            };
            assert_eq!(search(&body, v, &q).unwrap().len(), n);
            for cut in 0..body.len() {
                let cut = cut / 4 * 4;
                assert!(validate(&body[..cut], n).is_err() || cut == body.len());
            }
            validate(&body, n).unwrap();
        }
        let v = Vectors { dim: 2, data: &data, norms: &norms, metric: Metric::L2 };
        let mut body = build(v, 4, 8, 1, &Context::background()).unwrap();
        let q = IndexQuery {
            vector: &[1.0, 0.0],
            norm: 1.0,
            k: 1,
            params: SearchParams::default(),
            allowed: None,
        };
        let layer0 = 6 * 4 + 4;
        body[layer0 + 4..layer0 + 8].copy_from_slice(&99u32.to_le_bytes());
        assert!(validate(&body, 2).is_err(), "a neighbor out of range is rejected");
        let _ = q;
    }

    #[test]
    fn cancelled_build_stops() {
        let data = clustered(3_000, 8, 3);
        let v = Vectors { dim: 8, data: &data, norms: &[], metric: Metric::L2 };
        let ctx = Context::background();
        ctx.cancel();
        assert!(matches!(build(v, 8, 16, 2, &ctx), Err(crate::error::Error::Cancelled)));
    }
}
