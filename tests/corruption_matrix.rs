//! The corruption matrix: every kind of file veclite writes × every mutation → what opening and
//! reading the damaged database does.
//!
//! Each case damages one file of a copy of a populated database (see `file_damage`) and then
//! opens it and reads everything back in a child process. The allowed outcomes are: open fails
//! with `CORRUPTED` or `UNSUPPORTED_FORMAT`; a read of the damaged data fails with `CORRUPTED`;
//! every committed row reads back exactly; or, for a WAL whose tail was cut or damaged in its
//! last record, the rows committed before that record read back exactly (a torn append). Never
//! a panic or crash, never fewer rows or other values without an error. Errors name the damaged
//! file.
//!
//! `cargo test --test corruption_matrix -- --nocapture` prints the table.

mod file_damage;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use file_damage::{Case, Expected, Kind, Outcome, Verdict};

#[test]
fn damaged_copy_child() {
    file_damage::child_main();
}

/// The mutations of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Mutation {
    /// One bit of byte 40 (the first WAL record, the index body, the deletes bitmap, the
    /// segment header's padding).
    FlipHead,
    /// One bit of the middle byte.
    FlipMiddle,
    /// One bit of the last byte.
    FlipTail,
    TruncateEmpty,
    TruncateHalf,
    TruncateLastByte,
    /// The 4 KiB-aligned block holding the middle byte set to zeros (the whole file when
    /// smaller).
    ZeroBlock,
    Delete,
    /// 100 pseudo-random bytes appended.
    AppendGarbage,
}

impl Mutation {
    const ALL: [Mutation; 9] = [
        Mutation::FlipHead,
        Mutation::FlipMiddle,
        Mutation::FlipTail,
        Mutation::TruncateEmpty,
        Mutation::TruncateHalf,
        Mutation::TruncateLastByte,
        Mutation::ZeroBlock,
        Mutation::Delete,
        Mutation::AppendGarbage,
    ];

    fn label(self) -> &'static str {
        match self {
            Mutation::FlipHead => "flip head",
            Mutation::FlipMiddle => "flip middle",
            Mutation::FlipTail => "flip tail",
            Mutation::TruncateEmpty => "truncate to 0",
            Mutation::TruncateHalf => "truncate to half",
            Mutation::TruncateLastByte => "truncate last byte",
            Mutation::ZeroBlock => "zero 4 KiB",
            Mutation::Delete => "delete",
            Mutation::AppendGarbage => "append garbage",
        }
    }

    /// The damaged bytes (`None`: the file is deleted), or `Err` when the mutation does not
    /// apply to a file this short.
    fn apply(self, b: &[u8]) -> Result<Option<Vec<u8>>, ()> {
        let mut out = b.to_vec();
        let n = b.len();
        let flip = |out: &mut Vec<u8>, at: usize| out.get_mut(at).map(|x| *x ^= 0x04).ok_or(());
        match self {
            Mutation::FlipHead => flip(&mut out, 40)?,
            Mutation::FlipMiddle => flip(&mut out, n / 2)?,
            Mutation::FlipTail => flip(&mut out, n.wrapping_sub(1))?,
            Mutation::TruncateEmpty | Mutation::TruncateHalf | Mutation::TruncateLastByte if n == 0 => {
                return Err(());
            }
            Mutation::TruncateEmpty => out.clear(),
            Mutation::TruncateHalf => out.truncate(n / 2),
            Mutation::TruncateLastByte => out.truncate(n - 1),
            Mutation::ZeroBlock if n == 0 => return Err(()),
            Mutation::ZeroBlock => {
                let start = n / 2 / 4096 * 4096;
                out[start..(start + 4096).min(n)].fill(0);
            }
            Mutation::Delete => return Ok(None),
            Mutation::AppendGarbage => {
                let mut x = 0x2545_F491_4F6C_DD1Du64;
                out.extend((0..100).map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x >> 24) as u8
                }));
            }
        }
        Ok(Some(out))
    }
}

/// The matrix as a Markdown table: one row per kind, one column per mutation, each cell the
/// outcomes seen over the files of that kind.
fn table(cases: &[(Case, Mutation)], outcomes: &[Outcome]) -> String {
    let mut cells: BTreeMap<(Kind, Mutation), BTreeSet<&'static str>> = BTreeMap::new();
    for ((c, m), o) in cases.iter().zip(outcomes) {
        cells.entry((c.kind, *m)).or_default().insert(o.verdict.label());
    }
    let mut t = String::from("| file kind |");
    Mutation::ALL.iter().for_each(|m| t += &format!(" {} |", m.label()));
    t += "\n|---|";
    Mutation::ALL.iter().for_each(|_| t += "---|");
    t += "\n";
    for kind in Kind::ALL {
        t += &format!("| {} |", kind.label());
        for m in Mutation::ALL {
            let cell = cells
                .get(&(kind, m))
                .map_or("n/a".to_owned(), |s| s.iter().copied().collect::<Vec<_>>().join(", "));
            t += &format!(" {cell} |");
        }
        t += "\n";
    }
    t
}

#[test]
fn corruption_matrix() {
    let tmp = tempfile::tempdir().unwrap();
    let pristine = tmp.path().join("pristine");
    file_damage::populate(&pristine);
    let by_kind = file_damage::files_by_kind(&pristine);
    for kind in Kind::ALL {
        assert!(by_kind.contains_key(&kind), "the populated database has no {kind:?} file: {by_kind:?}");
    }
    for wal in &by_kind[&Kind::Wal] {
        let frames = file_damage::wal_frames(&std::fs::read(pristine.join(wal)).unwrap());
        assert_eq!(frames.len(), file_damage::wal_records(), "one WAL record per write after the flush");
    }
    let check = tmp.path().join("check");
    file_damage::copy_dir(&pristine, &check);
    let expected = Expected::new();
    let clean = file_damage::verify(&check, &expected);
    assert_eq!(clean.verdict, Verdict::Intact, "the undamaged database: {}", clean.detail);

    let mut cases = Vec::new();
    for (&kind, files) in &by_kind {
        for file in files {
            let bytes = std::fs::read(pristine.join(file)).unwrap();
            for mutation in Mutation::ALL {
                let Ok(damaged) = mutation.apply(&bytes) else { continue };
                let dir = tmp.path().join(format!("case{}", cases.len()));
                cases.push((Case::write(&pristine, &dir, kind, file, damaged.as_deref()), mutation));
            }
        }
    }
    let dirs: Vec<PathBuf> = cases.iter().map(|(c, _)| c.dir.clone()).collect();
    let outcomes = file_damage::run_cases("damaged_copy_child", tmp.path(), &dirs);

    println!("\n{}", table(&cases, &outcomes));
    let labels: Vec<String> = cases.iter().map(|(_, m)| m.label().to_owned()).collect();
    let cases: Vec<Case> = cases.into_iter().map(|(c, _)| c).collect();
    let failures = file_damage::failures(&cases, &labels, &outcomes, true);
    assert!(
        failures.is_empty(),
        "{} of {} cases break the rules:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
