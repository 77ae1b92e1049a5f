//! Bounded top-k selection with a deterministic order: lower cost first, ties by smaller key.
//!
//! Costs are "lower is better": the squared L2 distance, or the negated similarity for IP and
//! COSINE, so one heap serves every metric.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::column::PrimaryKey;

/// A candidate hit.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub cost: f32,
    pub key: PrimaryKey,
    pub segment: u64,
    pub row: usize,
}

impl Eq for Hit {}

impl Ord for Hit {
    fn cmp(&self, other: &Self) -> Ordering {
        self.cost.total_cmp(&other.cost).then_with(|| self.key.cmp(&other.key))
    }
}

impl PartialOrd for Hit {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Keeps the `k` best hits seen.
#[derive(Debug)]
pub struct TopK {
    k: usize,
    heap: BinaryHeap<Hit>,
}

impl TopK {
    /// An empty selection of at most `k` hits.
    pub fn new(k: usize) -> Self {
        TopK { k, heap: BinaryHeap::with_capacity(k + 1) }
    }

    /// Cost a new hit must not exceed to be worth offering (ties are decided by key in
    /// [`TopK::push`]); `+inf` until the selection is full.
    #[inline]
    pub fn threshold(&self) -> f32 {
        if self.heap.len() < self.k {
            f32::INFINITY
        } else {
            self.heap.peek().map_or(f32::INFINITY, |h| h.cost)
        }
    }

    /// Offers a hit; keeps it if it beats the current worst.
    pub fn push(&mut self, hit: Hit) {
        if self.heap.len() < self.k {
            self.heap.push(hit);
        } else if let Some(mut worst) = self.heap.peek_mut()
            && hit < *worst
        {
            *worst = hit;
        }
    }

    /// Merges another selection into this one.
    pub fn merge(&mut self, other: TopK) {
        for hit in other.heap {
            self.push(hit);
        }
    }

    /// The hits, best first.
    pub fn into_sorted(self) -> Vec<Hit> {
        self.heap.into_sorted_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(cost: f32, key: i64) -> Hit {
        Hit { cost, key: PrimaryKey::Int(key), segment: 0, row: 0 }
    }

    #[test]
    fn keeps_best_k_with_ties_by_smaller_key() {
        let mut t = TopK::new(3);
        for (c, k) in [(5.0, 1), (1.0, 9), (1.0, 3), (0.5, 7), (1.0, 2), (9.0, 0)] {
            t.push(hit(c, k));
        }
        let keys: Vec<_> = t.into_sorted().into_iter().map(|h| (h.cost, h.key)).collect();
        assert_eq!(
            keys,
            vec![(0.5, PrimaryKey::Int(7)), (1.0, PrimaryKey::Int(2)), (1.0, PrimaryKey::Int(3))]
        );
    }

    #[test]
    fn merge_and_threshold() {
        let mut a = TopK::new(2);
        assert_eq!(a.threshold(), f32::INFINITY);
        a.push(hit(3.0, 1));
        a.push(hit(4.0, 2));
        assert_eq!(a.threshold(), 4.0);
        let mut b = TopK::new(2);
        b.push(hit(1.0, 5));
        a.merge(b);
        let costs: Vec<f32> = a.into_sorted().iter().map(|h| h.cost).collect();
        assert_eq!(costs, vec![1.0, 3.0]);
    }
}
