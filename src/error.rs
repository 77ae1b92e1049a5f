//! The one error type of veclite and its stable status codes.
//!
//! Every variant maps to exactly one [`Status`] (the number C and Go callers switch on). The
//! `Display` text is the sentence users see: it names the collection, field, row and rule.

use std::io;

/// Result alias used across the crate.
pub type Result<T> = std::result::Result<T, Error>;

/// Stable status codes shared by the Rust API, the C ABI and the bindings.
///
/// The numbers never change once released; retired codes stay reserved.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Ok = 0,
    NullArgument = 1,
    InvalidArgument = 2,
    NotFound = 3,
    AlreadyExists = 4,
    SchemaMismatch = 5,
    Io = 6,
    Corrupted = 7,
    UnsupportedFormat = 8,
    Locked = 9,
    Closed = 10,
    Poisoned = 11,
    Panic = 12,
    DuplicatePrimaryKey = 13,
    DimensionMismatch = 14,
    InvalidValue = 15,
    MissingField = 16,
    Cancelled = 17,
    DeadlineExceeded = 18,
    Unsupported = 19,
}

impl Status {
    /// Every status, in numeric order.
    pub const fn all() -> [Status; 20] {
        [
            Status::Ok,
            Status::NullArgument,
            Status::InvalidArgument,
            Status::NotFound,
            Status::AlreadyExists,
            Status::SchemaMismatch,
            Status::Io,
            Status::Corrupted,
            Status::UnsupportedFormat,
            Status::Locked,
            Status::Closed,
            Status::Poisoned,
            Status::Panic,
            Status::DuplicatePrimaryKey,
            Status::DimensionMismatch,
            Status::InvalidValue,
            Status::MissingField,
            Status::Cancelled,
            Status::DeadlineExceeded,
            Status::Unsupported,
        ]
    }

    /// The status with number `code`, if any.
    pub fn from_u32(code: u32) -> Option<Status> {
        Status::all().get(code as usize).copied()
    }

    /// Upper-case name of the status, e.g. `"DUPLICATE_PRIMARY_KEY"`.
    pub fn name(self) -> &'static str {
        self.c_name().to_str().unwrap_or_default()
    }

    /// [`Status::name`] as a NUL-terminated string.
    pub fn c_name(self) -> &'static std::ffi::CStr {
        match self {
            Status::Ok => c"OK",
            Status::NullArgument => c"NULL_ARGUMENT",
            Status::InvalidArgument => c"INVALID_ARGUMENT",
            Status::NotFound => c"NOT_FOUND",
            Status::AlreadyExists => c"ALREADY_EXISTS",
            Status::SchemaMismatch => c"SCHEMA_MISMATCH",
            Status::Io => c"IO",
            Status::Corrupted => c"CORRUPTED",
            Status::UnsupportedFormat => c"UNSUPPORTED_FORMAT",
            Status::Locked => c"LOCKED",
            Status::Closed => c"CLOSED",
            Status::Poisoned => c"POISONED",
            Status::Panic => c"PANIC",
            Status::DuplicatePrimaryKey => c"DUPLICATE_PRIMARY_KEY",
            Status::DimensionMismatch => c"DIMENSION_MISMATCH",
            Status::InvalidValue => c"INVALID_VALUE",
            Status::MissingField => c"MISSING_FIELD",
            Status::Cancelled => c"CANCELLED",
            Status::DeadlineExceeded => c"DEADLINE_EXCEEDED",
            Status::Unsupported => c"UNSUPPORTED",
        }
    }
}

/// What kind of named object was not found (or already exists).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    Collection,
    Partition,
    Field,
    Index,
    Alias,
    Database,
}

impl ObjectKind {
    /// Lower-case name of the kind, e.g. `"partition"` (the word error messages start with).
    pub fn name(self) -> &'static str {
        match self {
            ObjectKind::Collection => "collection",
            ObjectKind::Partition => "partition",
            ObjectKind::Field => "field",
            ObjectKind::Index => "index",
            ObjectKind::Alias => "alias",
            ObjectKind::Database => "database",
        }
    }
}

impl std::fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Every way a veclite call can fail.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An argument breaks a documented rule (name syntax, ranges, zero rows, ...).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A Milvus feature or parameter veclite does not implement (an index type, range search,
    /// ...): refused rather than ignored.
    #[error("not supported: {0}")]
    Unsupported(String),
    /// A named collection, partition, field or index does not exist.
    #[error("{kind} `{name}` does not exist{context}")]
    NotFound { kind: ObjectKind, name: String, context: String },
    /// A named object already exists.
    #[error("{kind} `{name}` already exists")]
    AlreadyExists { kind: ObjectKind, name: String },
    /// Data does not fit the schema: wrong column type, a field passed twice, unequal lengths,
    /// unknown field, or a schema that breaks a rule.
    #[error("schema mismatch: {0}")]
    SchemaMismatch(String),
    /// A primary key repeats inside one batch, or an insert names a key that already exists.
    #[error("duplicate primary key: {0}")]
    DuplicatePrimaryKey(String),
    /// A vector has the wrong number of components.
    #[error("dimension mismatch: {0}")]
    DimensionMismatch(String),
    /// A value breaks a rule of its field: NaN or infinity, VarChar too long, null in a
    /// non-nullable field.
    #[error("invalid value: {0}")]
    InvalidValue(String),
    /// A required field was not supplied.
    #[error("missing field: {0}")]
    MissingField(String),
    /// An operating-system I/O error, with the path it concerned.
    #[error("I/O error on {path}: {source}")]
    Io { path: String, source: io::Error },
    /// A file failed its checksum or structure checks.
    #[error("corrupted file {file}: {reason}")]
    Corrupted { file: String, reason: String },
    /// A file was written by a format version this build cannot read.
    #[error("unsupported format version {version} in {file} (this build reads version {supported})")]
    UnsupportedFormat { file: String, version: u32, supported: u32 },
    /// The database directory is held by another handle: the message says whether by this
    /// process ("already open in this process") or by another one ("locked by another process").
    #[error("{0}")]
    Locked(String),
    /// The database was closed.
    #[error("database is closed")]
    Closed,
    /// An earlier durability failure (fsync) left the database refusing writes.
    #[error("database is poisoned after an earlier write failure: {0}")]
    Poisoned(String),
    /// The call's context was cancelled.
    #[error("operation cancelled")]
    Cancelled,
    /// The call's context deadline passed.
    #[error("deadline exceeded")]
    DeadlineExceeded,
}

impl Error {
    /// The stable status code of this error.
    pub fn status(&self) -> Status {
        match self {
            Error::InvalidArgument(_) => Status::InvalidArgument,
            Error::NotFound { .. } => Status::NotFound,
            Error::AlreadyExists { .. } => Status::AlreadyExists,
            Error::SchemaMismatch(_) => Status::SchemaMismatch,
            Error::DuplicatePrimaryKey(_) => Status::DuplicatePrimaryKey,
            Error::DimensionMismatch(_) => Status::DimensionMismatch,
            Error::InvalidValue(_) => Status::InvalidValue,
            Error::MissingField(_) => Status::MissingField,
            Error::Io { .. } => Status::Io,
            Error::Corrupted { .. } => Status::Corrupted,
            Error::UnsupportedFormat { .. } => Status::UnsupportedFormat,
            Error::Locked(_) => Status::Locked,
            Error::Closed => Status::Closed,
            Error::Poisoned(_) => Status::Poisoned,
            Error::Cancelled => Status::Cancelled,
            Error::DeadlineExceeded => Status::DeadlineExceeded,
            Error::Unsupported(_) => Status::Unsupported,
        }
    }

    /// The kind of object a [`Error::NotFound`] or [`Error::AlreadyExists`] names; `None` for
    /// every other error.
    pub fn object_kind(&self) -> Option<ObjectKind> {
        match self {
            Error::NotFound { kind, .. } | Error::AlreadyExists { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    pub(crate) fn io(path: impl AsRef<std::path::Path>, source: io::Error) -> Self {
        Error::Io { path: path.as_ref().display().to_string(), source }
    }

    pub(crate) fn corrupted(file: impl AsRef<std::path::Path>, reason: impl Into<String>) -> Self {
        Error::Corrupted { file: file.as_ref().display().to_string(), reason: reason.into() }
    }

    /// [`Error::Corrupted`] for damage found at byte `offset` of `file`: the reason reads
    /// `at byte <offset>: <reason>`.
    pub(crate) fn corrupted_at(
        file: impl AsRef<std::path::Path>,
        offset: u64,
        reason: impl std::fmt::Display,
    ) -> Self {
        Error::corrupted(file, format!("at byte {offset}: {reason}"))
    }

    /// Logs an [`Error::Corrupted`] as corruption found: an `error` event naming the file and
    /// the reason (which starts with the byte offset when it is known). Other errors are not
    /// logged: they are the caller's to report.
    pub(crate) fn log_if_corrupted(&self) {
        if let Error::Corrupted { file, reason } = self {
            log::error!("corruption found in {file}: {reason}");
        }
    }

    pub(crate) fn not_found(kind: ObjectKind, name: &str) -> Self {
        Error::NotFound { kind, name: name.to_owned(), context: String::new() }
    }

    pub(crate) fn not_found_in(kind: ObjectKind, name: &str, collection: &str) -> Self {
        Error::NotFound { kind, name: name.to_owned(), context: format!(" in collection `{collection}`") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_names_are_distinct_and_upper_case() {
        let names: std::collections::HashSet<_> = Status::all().iter().map(|s| s.name()).collect();
        assert_eq!(names.len(), Status::all().len());
        for (i, s) in Status::all().iter().enumerate() {
            assert_eq!(*s as u32, i as u32, "status numbers are dense and stable");
            assert_eq!(Status::from_u32(i as u32), Some(*s));
            assert_eq!(s.name(), s.name().to_ascii_uppercase());
        }
        assert_eq!(Status::from_u32(20), None);
    }

    #[test]
    fn not_found_message_names_object_and_collection() {
        let e = Error::not_found_in(ObjectKind::Partition, "p9", "docs");
        assert_eq!(e.to_string(), "partition `p9` does not exist in collection `docs`");
        assert_eq!(e.status(), Status::NotFound);
    }

    #[test]
    fn object_kind_is_set_only_for_named_objects() {
        for kind in [ObjectKind::Collection, ObjectKind::Partition, ObjectKind::Field, ObjectKind::Index] {
            assert_eq!(Error::not_found(kind, "x").object_kind(), Some(kind));
            let exists = Error::AlreadyExists { kind, name: "x".into() };
            assert_eq!(exists.object_kind(), Some(kind));
            assert!(exists.to_string().starts_with(kind.name()));
        }
        assert_eq!(Error::InvalidArgument("x".into()).object_kind(), None);
        assert_eq!(Error::Closed.object_kind(), None);
    }
}
