//! Randomized file damage: seeded random bit flips, overwritten ranges, truncations, cut-out
//! ranges, splices and appended bytes, applied to the files of a populated database (see
//! `file_damage`), each copy then opened and read back in a child process. Same rules as the
//! corruption matrix: `CORRUPTED` / `UNSUPPORTED_FORMAT` (at open or on read), every committed
//! row intact, or a torn WAL tail cut off; never a panic, crash, silent loss or wrong value.
//!
//! In CI it runs [`CI_CASES`] cases from a fixed seed. Longer runs:
//!
//! ```text
//! VECLITE_FUZZ_SECONDS=600 cargo test --release --test randomized_files -- --nocapture
//! ```
//!
//! runs batches until the time is up, from a seed taken from the clock (printed);
//! `VECLITE_FUZZ_SEED=<seed>` fixes it. A failure prints the seed, the case number and the
//! damage; `VECLITE_FUZZ_SEED=<seed> VECLITE_FUZZ_CASE=<n>` replays just that case.

mod file_damage;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use file_damage::{Case, Kind, Outcome, Verdict};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Cases of a CI run.
const CI_CASES: usize = 480;
/// Cases per child process and per batch of copies on disk.
const BATCH: usize = 60;
const SEED_ENV: &str = "VECLITE_FUZZ_SEED";
const SECONDS_ENV: &str = "VECLITE_FUZZ_SECONDS";
const CASE_ENV: &str = "VECLITE_FUZZ_CASE";

#[test]
fn damaged_copy_child() {
    file_damage::child_main();
}

/// A byte offset into a file of `len` bytes (`len > 0`): where the format's headers and
/// footers are (the first and last 64 bytes) half of the time, anywhere otherwise.
fn offset(rng: &mut StdRng, len: usize) -> usize {
    let edge = 64.min(len);
    match rng.random_range(0..4) {
        0 => rng.random_range(0..edge),
        1 => len - 1 - rng.random_range(0..edge),
        _ => rng.random_range(0..len),
    }
}

/// A range length: mostly short, sometimes up to 4 KiB.
fn span(rng: &mut StdRng) -> usize {
    if rng.random_bool(0.8) { rng.random_range(1..=16) } else { rng.random_range(17..=4096) }
}

fn random_bytes(rng: &mut StdRng, n: usize) -> Vec<u8> {
    match rng.random_range(0..4) {
        0 => vec![0; n],
        1 => vec![0xFF; n],
        _ => (0..n).map(|_| rng.random()).collect(),
    }
}

/// Applies one random mutation to `b` (`donor`: another file of the same kind, source of
/// splices) and describes it.
fn mutate(rng: &mut StdRng, b: &mut Vec<u8>, donor: &[u8]) -> String {
    if b.is_empty() {
        let n = span(rng);
        b.extend(random_bytes(rng, n));
        return format!("filled with {n} bytes");
    }
    let n = b.len();
    match rng.random_range(0..7) {
        0 => {
            let flips = rng.random_range(1..=8);
            let at: Vec<(usize, u8)> =
                (0..flips).map(|_| (offset(rng, n), 1u8 << rng.random_range(0..8))).collect();
            at.iter().for_each(|&(i, bit)| b[i] ^= bit);
            format!("flipped bits {at:?}")
        }
        1 => {
            let at = offset(rng, n);
            let len = span(rng).min(n - at);
            let bytes = random_bytes(rng, len);
            b[at..at + len].copy_from_slice(&bytes);
            format!("overwrote {len} bytes at {at} with {:?}..", &bytes[..len.min(4)])
        }
        2 => {
            let at = rng.random_range(0..n);
            b.truncate(at);
            format!("truncated to {at}")
        }
        3 => {
            let at = offset(rng, n);
            let len = span(rng).min(n - at);
            b.drain(at..at + len);
            format!("cut {len} bytes at {at}")
        }
        4 | 5 => {
            let source = if donor.is_empty() || rng.random_bool(0.5) { b.clone() } else { donor.to_vec() };
            let from = rng.random_range(0..source.len());
            let len = span(rng).min(source.len() - from);
            let chunk = &source[from..from + len];
            let at = offset(rng, n);
            if rng.random_bool(0.5) {
                b.splice(at..at, chunk.iter().copied());
                format!("inserted {len} bytes from {from} at {at}")
            } else {
                let len = len.min(n - at);
                b[at..at + len].copy_from_slice(&chunk[..len]);
                format!("copied {len} bytes from {from} over {at}")
            }
        }
        _ => {
            let len = span(rng);
            b.extend(random_bytes(rng, len));
            format!("appended {len} bytes")
        }
    }
}

/// Changes one number of a manifest's JSON, or removes or repeats one array element: a
/// manifest that parses but describes files other than the ones present. `None` when `b` is
/// not a manifest with JSON.
fn mutate_manifest_json(rng: &mut StdRng, b: &mut Vec<u8>) -> Option<String> {
    /// JSON pointers of every number and every non-empty array under `v`.
    fn walk(v: &serde_json::Value, at: String, numbers: &mut Vec<String>, arrays: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                m.iter().for_each(|(k, v)| walk(v, format!("{at}/{k}"), numbers, arrays))
            }
            serde_json::Value::Array(a) => {
                if !a.is_empty() {
                    arrays.push(at.clone());
                }
                a.iter().enumerate().for_each(|(i, v)| walk(v, format!("{at}/{i}"), numbers, arrays));
            }
            serde_json::Value::Number(_) => numbers.push(at),
            _ => {}
        }
    }
    let mut json: serde_json::Value = serde_json::from_slice(b.get(16..)?).ok()?;
    let (mut numbers, mut arrays) = (Vec::new(), Vec::new());
    walk(&json, String::new(), &mut numbers, &mut arrays);
    let what = if rng.random_bool(0.8) {
        let at = &numbers[rng.random_range(0..numbers.len())];
        let v = json.pointer_mut(at)?;
        let n = v.as_u64().unwrap_or(0);
        let new = match rng.random_range(0..5) {
            0 => n.wrapping_add(1),
            1 => n.saturating_sub(1),
            2 => 0,
            3 => u64::from(u32::MAX),
            _ => rng.random(),
        };
        *v = new.into();
        format!("manifest {at}: {n} -> {new}")
    } else {
        let at = &arrays[rng.random_range(0..arrays.len())];
        let a = json.pointer_mut(at)?.as_array_mut()?;
        let i = rng.random_range(0..a.len());
        if rng.random_bool(0.5) {
            a.remove(i);
            format!("manifest {at}: removed element {i}")
        } else {
            a.insert(i, a[i].clone());
            format!("manifest {at}: repeated element {i}")
        }
    };
    b.truncate(16);
    b.extend(serde_json::to_vec_pretty(&json).unwrap());
    Some(what)
}

/// Recomputes every checksum of `b`, a file of kind `kind`, that its (damaged) structure still
/// locates, so that the damage reaches the structure checks behind the checksums.
fn reseal(kind: Kind, b: &mut [u8]) {
    let u32_at = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap()) as usize;
    let u64_at = |b: &[u8], at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap());
    let put = |b: &mut [u8], at: usize, crc: u32| b[at..at + 4].copy_from_slice(&crc.to_le_bytes());
    let n = b.len();
    match kind {
        // magic | version | crc32c of the JSON | JSON
        Kind::Manifest if n >= 16 => put(b, 12, crc32c::crc32c(&b[16..])),
        // everything | crc32c of everything before
        Kind::Deletes | Kind::HnswIndex | Kind::IvfIndex if n >= 4 => {
            put(b, n - 4, crc32c::crc32c(&b[..n - 4]))
        }
        // header | (length, crc32c of payload, payload)*
        Kind::Wal => {
            let mut at = 16;
            while at + 8 <= n {
                let end = at + 8 + u32_at(b, at);
                if end > n {
                    break;
                }
                put(b, at + 4, crc32c::crc32c(&b[at + 8..end]));
                at = end;
            }
        }
        // data blocks | directory (32-byte entries, crc32c of each block at 24) | meta (footer
        // crc32c at 28) | trailer (footer length at 0)
        Kind::Segment if n >= 64 + 32 + 16 => {
            let meta = n - 16 - 32;
            let footer_len = u32_at(b, n - 16);
            if footer_len < 48 || footer_len > n - 64 {
                return;
            }
            let footer = n - footer_len;
            for e in (footer..meta.saturating_sub(31)).step_by(32) {
                let (offset, len) = (u64_at(b, e + 8) as usize, u64_at(b, e + 16) as usize);
                if offset.checked_add(len).is_some_and(|end| end <= footer) {
                    put(b, e + 24, crc32c::crc32c(&b[offset..offset + len]));
                }
            }
            put(b, meta + 28, crc32c::crc32c(&b[footer..meta + 28]));
        }
        _ => {}
    }
}

/// Case `index` of the run with seed `seed`: a file and its damage, a function of both
/// (checksums recomputed afterwards when `forge`).
fn damage(
    seed: u64,
    index: usize,
    forge: bool,
    files: &BTreeMap<Kind, Vec<(PathBuf, Vec<u8>)>>,
) -> (Kind, PathBuf, Vec<u8>, String) {
    let mut rng = StdRng::seed_from_u64(seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let kinds: Vec<Kind> = files.keys().copied().filter(|&k| k != Kind::Lock).collect();
    let kind = kinds[rng.random_range(0..kinds.len())];
    let of_kind = &files[&kind];
    let pick = rng.random_range(0..of_kind.len());
    let (file, pristine) = &of_kind[pick];
    let donor = &of_kind[(pick + 1) % of_kind.len()].1;
    let mut bytes = pristine.clone();
    let structured = if forge && kind == Kind::Manifest && rng.random_bool(0.5) {
        mutate_manifest_json(&mut rng, &mut bytes)
    } else {
        None
    };
    let steps: Vec<String> = match structured {
        Some(what) => vec![what],
        None => (0..rng.random_range(1..=3)).map(|_| mutate(&mut rng, &mut bytes, donor)).collect(),
    };
    if forge {
        reseal(kind, &mut bytes);
    }
    (kind, file.clone(), bytes, steps.join("; "))
}

/// A randomized run: its seed, its length and what it damages.
struct Run {
    seed: u64,
    /// Recompute checksums after the damage.
    forge: bool,
    /// Cases of a CI run; a long run goes on until this much time has passed.
    ci_cases: usize,
    long: Option<Duration>,
    /// Replay just this case.
    case: Option<usize>,
}

impl Run {
    /// The run configured by the environment, with `default_seed` for CI.
    fn from_env(default_seed: u64, forge: bool, ci_cases: usize) -> Run {
        let env = |name: &str| std::env::var(name).ok().map(|v| v.parse::<u64>().unwrap());
        let long = env(SECONDS_ENV).map(Duration::from_secs);
        let clock =
            || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
        let seed = env(SEED_ENV).unwrap_or_else(|| if long.is_some() { clock() } else { default_seed });
        Run { seed, forge, ci_cases, long, case: env(CASE_ENV).map(|c| c as usize) }
    }

    /// Runs the cases; returns the failures.
    fn go(&self) -> Vec<String> {
        println!("seed {}", self.seed);
        let tmp = tempfile::tempdir().unwrap();
        let pristine = tmp.path().join("pristine");
        file_damage::populate(&pristine);
        let files: BTreeMap<Kind, Vec<(PathBuf, Vec<u8>)>> = file_damage::files_by_kind(&pristine)
            .into_iter()
            .map(|(k, fs)| {
                (k, fs.into_iter().map(|f| (f.clone(), std::fs::read(pristine.join(&f)).unwrap())).collect())
            })
            .collect();
        let mut tally = BTreeMap::new();
        let mut failures = Vec::new();
        let started = Instant::now();
        let mut next = 0;
        if let Some(case) = self.case {
            failures = self.batch(&pristine, tmp.path(), case..case + 1, &files, &mut tally);
            next = 1;
        }
        while self.case.is_none() && failures.is_empty() {
            let done = match self.long {
                Some(limit) => started.elapsed() >= limit,
                None => next >= self.ci_cases,
            };
            if done {
                break;
            }
            failures.extend(self.batch(&pristine, tmp.path(), next..next + BATCH, &files, &mut tally));
            next += BATCH;
        }
        println!("{next} cases in {:.1} s; outcomes by kind:", started.elapsed().as_secs_f64());
        for kind in Kind::ALL {
            let line: Vec<String> = tally
                .iter()
                .filter(|((k, _), _)| *k == kind)
                .map(|((_, v), n): (&(Kind, Verdict), &usize)| format!("{} {n}", v.label()))
                .collect();
            if !line.is_empty() {
                println!("  {}: {}", kind.label(), line.join(", "));
            }
        }
        failures
    }

    /// Writes the cases `indexes` under `work`, runs them and returns their failures.
    fn batch(
        &self,
        pristine: &Path,
        work: &Path,
        indexes: std::ops::Range<usize>,
        files: &BTreeMap<Kind, Vec<(PathBuf, Vec<u8>)>>,
        tally: &mut BTreeMap<(Kind, Verdict), usize>,
    ) -> Vec<String> {
        let batch = work.join("batch");
        let _ = std::fs::remove_dir_all(&batch);
        let (mut cases, mut whats) = (Vec::new(), Vec::new());
        for index in indexes {
            let (kind, file, bytes, what) = damage(self.seed, index, self.forge, files);
            let dir = batch.join(format!("case{index}"));
            cases.push(Case { forged: self.forge, ..Case::write(pristine, &dir, kind, &file, Some(&bytes)) });
            let forged = if self.forge { " (checksums recomputed)" } else { "" };
            whats.push(format!("seed {} case {index}: {what}{forged}", self.seed));
        }
        let dirs: Vec<PathBuf> = cases.iter().map(|c| c.dir.clone()).collect();
        let outcomes: Vec<Outcome> = file_damage::run_cases("damaged_copy_child", work, &dirs);
        for (c, o) in cases.iter().zip(&outcomes) {
            *tally.entry((c.kind, o.verdict)).or_default() += 1;
        }
        file_damage::failures(&cases, &whats, &outcomes, false)
    }
}

#[test]
fn random_damage_is_detected_or_harmless() {
    let failures = Run::from_env(0x5EED_F11E, false, CI_CASES).go();
    assert!(failures.is_empty(), "{} cases break the rules:\n{}", failures.len(), failures.join("\n"));
}

/// Damage behind recomputed checksums can change values undetectably, but it must never crash
/// a reader: every structure check stands on its own.
#[test]
fn forged_damage_never_crashes() {
    let failures = Run::from_env(0xF0_46ED, true, CI_CASES).go();
    assert!(failures.is_empty(), "{} cases crash:\n{}", failures.len(), failures.join("\n"));
}
