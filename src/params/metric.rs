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
    /// Number of differing bits of two binary vectors; smaller is closer.
    Hamming,
    /// Jaccard distance `1 - |a ∧ b| / |a ∨ b|` of two binary vectors; smaller is closer.
    Jaccard,
}

impl Metric {
    /// Whether larger scores are better.
    pub fn higher_is_better(self) -> bool {
        matches!(self, Metric::Ip | Metric::Cosine)
    }

    /// Whether this is a metric of binary vectors (HAMMING, JACCARD).
    pub fn is_binary(self) -> bool {
        matches!(self, Metric::Hamming | Metric::Jaccard)
    }

    /// Parses Milvus's metric names `"L2"`, `"IP"`, `"COSINE"`, `"HAMMING"` or `"JACCARD"`
    /// (any case).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an empty name (Milvus requires one) and any other name.
    pub fn parse(name: &str) -> Result<Metric> {
        match name.trim().to_ascii_uppercase().as_str() {
            "L2" => Ok(Metric::L2),
            "IP" => Ok(Metric::Ip),
            "COSINE" => Ok(Metric::Cosine),
            "HAMMING" => Ok(Metric::Hamming),
            "JACCARD" => Ok(Metric::Jaccard),
            "" => Err(Error::InvalidArgument(
                "metric_type is missing: use L2, IP or COSINE (HAMMING or JACCARD for binary vectors)".into(),
            )),
            _ => Err(Error::InvalidArgument(format!(
                "unknown metric `{name}`: use L2, IP or COSINE (HAMMING or JACCARD for binary vectors)"
            ))),
        }
    }

    /// Upper-case name.
    pub fn name(self) -> &'static str {
        match self {
            Metric::L2 => "L2",
            Metric::Ip => "IP",
            Metric::Cosine => "COSINE",
            Metric::Hamming => "HAMMING",
            Metric::Jaccard => "JACCARD",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milvus_names_in_any_case() {
        for (name, metric) in [
            ("L2", Metric::L2),
            ("ip", Metric::Ip),
            (" Cosine ", Metric::Cosine),
            ("hamming", Metric::Hamming),
            ("JACCARD", Metric::Jaccard),
        ] {
            assert_eq!(Metric::parse(name).unwrap(), metric);
            assert_eq!(Metric::parse(metric.name()).unwrap(), metric);
        }
        for (name, words) in
            [("SUPERSTRUCTURE", "unknown metric `SUPERSTRUCTURE`"), ("", "metric_type is missing")]
        {
            let e = Metric::parse(name).unwrap_err();
            assert_eq!(e.status(), crate::error::Status::InvalidArgument);
            assert!(e.to_string().contains(words) && e.to_string().contains("use L2, IP or COSINE"), "{e}");
        }
    }
}
