//! The distance or similarity measure of a search and an index.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Distance or similarity measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Metric {
    /// Squared Euclidean distance; smaller is closer.
    L2,
    /// Inner product; larger is closer.
    Ip,
    /// Cosine similarity in [-1, 1]; larger is closer.
    Cosine,
}

impl Metric {
    /// Whether larger scores are better.
    pub fn higher_is_better(self) -> bool {
        !matches!(self, Metric::L2)
    }

    /// Parses `"L2"`, `"IP"` or `"COSINE"` (any case).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for any other name.
    pub fn parse(name: &str) -> Result<Metric> {
        match name.to_ascii_uppercase().as_str() {
            "L2" => Ok(Metric::L2),
            "IP" => Ok(Metric::Ip),
            "COSINE" => Ok(Metric::Cosine),
            _ => Err(Error::InvalidArgument(format!("unknown metric `{name}`: use L2, IP or COSINE"))),
        }
    }

    /// Upper-case name.
    pub fn name(self) -> &'static str {
        match self {
            Metric::L2 => "L2",
            Metric::Ip => "IP",
            Metric::Cosine => "COSINE",
        }
    }
}
