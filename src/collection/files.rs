//! The files of a collection directory: their names, and which of them may be removed.
//!
//! veclite removes only files whose names it writes ([`FileName`]) and that the manifest it read
//! shows are no longer needed. Any other file or directory is left alone.

use std::path::{Path, PathBuf};

use crate::catalog::{CollectionMeta, SegmentMeta};
use crate::error::{Error, Result};
use crate::storage::fs;

/// Path of WAL generation `generation` of a collection.
pub(crate) fn wal_path(dir: &Path, generation: u64) -> PathBuf {
    dir.join(format!("wal-{generation}.log"))
}

pub(crate) fn segment_path(dir: &Path, id: u64) -> PathBuf {
    dir.join(format!("s{id}.seg"))
}

pub(crate) fn deletes_path(dir: &Path, id: u64, generation: u64) -> PathBuf {
    dir.join(format!("s{id}-{generation}.del"))
}

pub(crate) fn index_path(dir: &Path, id: u64, field: usize) -> PathBuf {
    dir.join(format!("s{id}-f{field}.idx"))
}

/// A file name veclite writes in a collection directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileName {
    /// `wal-<generation>.log`
    Wal(u64),
    /// `s<id>.seg`
    Segment(u64),
    /// `s<id>-<generation>.del`
    Deletes(u64, u64),
    /// `s<id>-f<field>.idx`
    Index(u64, u64),
    /// One of the above being written under a temporary name: `s<id>.seg.tmp`, or the name with
    /// extension `tmp` (`wal-<generation>.tmp`, `s<id>-<generation>.tmp`, `s<id>-f<field>.tmp`).
    Temp,
}

impl FileName {
    /// The kind of `name`, when veclite writes files of that name.
    pub fn parse(name: &str) -> Option<FileName> {
        if let Some(stem) = name.strip_suffix(".seg.tmp") {
            return segment_id(stem).map(|_| FileName::Temp);
        }
        if let Some(stem) = name.strip_suffix(".tmp") {
            let known =
                wal_generation(stem).is_some() || deletes_stem(stem).is_some() || index_stem(stem).is_some();
            return known.then_some(FileName::Temp);
        }
        if let Some(stem) = name.strip_suffix(".log") {
            return wal_generation(stem).map(FileName::Wal);
        }
        if let Some(stem) = name.strip_suffix(".seg") {
            return segment_id(stem).map(FileName::Segment);
        }
        if let Some(stem) = name.strip_suffix(".del") {
            return deletes_stem(stem).map(|(id, g)| FileName::Deletes(id, g));
        }
        let stem = name.strip_suffix(".idx")?;
        index_stem(stem).map(|(id, f)| FileName::Index(id, f))
    }
}

/// The id of the collection whose directory (under `collections/`) is called `name`.
pub(crate) fn collection_id(name: &str) -> Option<u64> {
    number(name)
}

/// A number as veclite writes it: decimal digits, no sign, no leading zero.
fn number(s: &str) -> Option<u64> {
    let canonical =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    if canonical { s.parse().ok() } else { None }
}

fn wal_generation(stem: &str) -> Option<u64> {
    number(stem.strip_prefix("wal-")?)
}

fn segment_id(stem: &str) -> Option<u64> {
    number(stem.strip_prefix('s')?)
}

fn deletes_stem(stem: &str) -> Option<(u64, u64)> {
    let (id, generation) = stem.strip_prefix('s')?.split_once('-')?;
    Some((number(id)?, number(generation)?))
}

fn index_stem(stem: &str) -> Option<(u64, u64)> {
    let (id, field) = stem.strip_prefix('s')?.split_once("-f")?;
    Some((number(id)?, number(field)?))
}

/// The veclite files directly inside `dir`, with their kinds. Subdirectories and other names
/// are not listed.
///
/// # Errors
/// [`Error::Io`] reading the directory.
pub(super) fn owned_files(dir: &Path) -> Result<Vec<(PathBuf, FileName)>> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let is_file = entry.file_type().map_err(|e| Error::io(entry.path(), e))?.is_file();
        let kind = entry.file_name().to_str().and_then(FileName::parse);
        if let (true, Some(kind)) = (is_file, kind) {
            files.push((entry.path(), kind));
        }
    }
    Ok(files)
}

/// WAL generations present in `dir` at or above `oldest`, ascending.
///
/// # Errors
/// [`Error::Io`] reading the directory.
pub(super) fn wal_generations(dir: &Path, oldest: u64) -> Result<Vec<u64>> {
    let mut found: Vec<u64> = owned_files(dir)?
        .into_iter()
        .filter_map(|(_, kind)| match kind {
            FileName::Wal(g) if g >= oldest => Some(g),
            _ => None,
        })
        .collect();
    found.sort_unstable();
    Ok(found)
}

/// The files of a sealed segment: data, deletes and index files.
pub(super) fn segment_files(dir: &Path, segment: &SegmentMeta) -> Vec<PathBuf> {
    let mut files = vec![segment_path(dir, segment.id)];
    if segment.deletes_generation > 0 {
        files.push(deletes_path(dir, segment.id, segment.deletes_generation));
    }
    files.extend(segment.indexed_fields.iter().map(|&f| index_path(dir, segment.id, f as usize)));
    files
}

/// Removes the files of a segment that is no longer listed: data, deletes and index files.
///
/// # Errors
/// [`Error::Io`].
pub(super) fn remove_segment_files(dir: &Path, segment: &SegmentMeta) -> Result<()> {
    segment_files(dir, segment).iter().try_for_each(|path| fs::remove_file_if_exists(path))
}

/// Whether `meta` shows that the veclite file `kind` is no longer needed: a temporary file, a
/// WAL generation older than the oldest unsealed one, or a segment, deletes or index file the
/// manifest does not list.
fn is_obsolete(meta: &CollectionMeta, kind: FileName) -> bool {
    let listed = |id: u64| meta.segments.iter().find(|s| s.id == id);
    match kind {
        FileName::Temp => true,
        FileName::Wal(g) => g < meta.wal_generation,
        FileName::Segment(id) => listed(id).is_none(),
        FileName::Deletes(id, g) => listed(id).is_none_or(|s| s.deletes_generation != g),
        FileName::Index(id, f) => {
            listed(id).is_none_or(|s| !s.indexed_fields.iter().any(|&x| u64::from(x) == f))
        }
    }
}

/// Removes the files a crash or a failed operation left behind in the directory of collection
/// `meta`: veclite files the manifest shows are no longer needed ([`is_obsolete`]). Files of
/// other names are left alone.
///
/// # Errors
/// [`Error::Io`].
pub(super) fn remove_stray_files(dir: &Path, meta: &CollectionMeta) -> Result<()> {
    owned_files(dir)?
        .into_iter()
        .filter(|(_, kind)| is_obsolete(meta, *kind))
        .try_for_each(|(path, _)| fs::remove_file_if_exists(&path))
}

/// Removes the veclite files of a collection directory that is no longer needed (a dropped
/// collection, or one whose creation did not complete), then the directory if nothing else is in
/// it. Returns whether the directory is gone.
///
/// # Errors
/// [`Error::Io`].
pub(crate) fn remove_collection_files(dir: &Path) -> Result<bool> {
    if std::fs::symlink_metadata(dir).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
        return Ok(true);
    }
    if !std::fs::symlink_metadata(dir).map_err(|e| Error::io(dir, e))?.is_dir() {
        return Ok(false);
    }
    owned_files(dir)?.iter().try_for_each(|(path, _)| fs::remove_file_if_exists(path))?;
    let empty = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?.next().is_none();
    if empty {
        std::fs::remove_dir(dir).map_err(|e| Error::io(dir, e))?;
        fs::sync_parent(dir)?;
    }
    Ok(empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_veclite_writes_are_recognised() {
        let cases = [
            ("wal-0.log", Some(FileName::Wal(0))),
            ("wal-12.log", Some(FileName::Wal(12))),
            ("s3.seg", Some(FileName::Segment(3))),
            ("s3-2.del", Some(FileName::Deletes(3, 2))),
            ("s3-f1.idx", Some(FileName::Index(3, 1))),
            ("s3.seg.tmp", Some(FileName::Temp)),
            ("s3-2.tmp", Some(FileName::Temp)),
            ("s3-f1.tmp", Some(FileName::Temp)),
            ("wal-4.tmp", Some(FileName::Temp)),
            ("wal-04.log", None),
            ("wal-+4.log", None),
            ("wal-.log", None),
            ("s.seg", None),
            ("notes.tmp", None),
            ("a.txt", None),
            ("s1-f.idx", None),
            ("s1-x.del", None),
            ("WAL-1.log", None),
        ];
        for (name, want) in cases {
            assert_eq!(FileName::parse(name), want, "{name}");
        }
    }

    #[test]
    fn removing_a_collection_directory_keeps_foreign_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("7");
        std::fs::create_dir(&dir).unwrap();
        for name in ["wal-0.log", "s1.seg", "s1-1.del", "s1.seg.tmp", "photo.jpg"] {
            std::fs::write(dir.join(name), b"x").unwrap();
        }
        std::fs::create_dir(dir.join("sub")).unwrap();
        assert!(!remove_collection_files(&dir).unwrap());
        let mut left: Vec<String> =
            std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        left.sort();
        assert_eq!(left, ["photo.jpg", "sub"]);
        std::fs::remove_file(dir.join("photo.jpg")).unwrap();
        std::fs::remove_dir(dir.join("sub")).unwrap();
        std::fs::write(dir.join("wal-1.log"), b"x").unwrap();
        assert!(remove_collection_files(&dir).unwrap());
        assert!(!dir.exists());
        assert!(remove_collection_files(&dir).unwrap(), "a missing directory is already gone");
    }
}
