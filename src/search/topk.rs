//! Bounded top-k selection with a deterministic order: lower cost first, ties by smaller key.
//!
//! Costs are "lower is better": the squared L2 distance, or the negated similarity for IP and
//! COSINE, so one heap serves every metric.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::column::PrimaryKey;
use crate::params::CostRange;

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

/// Keeps the `k` best hits seen (of those whose cost is in the range, for a range search).
#[derive(Debug)]
pub struct TopK {
    k: usize,
    heap: BinaryHeap<Hit>,
    range: Option<CostRange>,
}

impl TopK {
    /// An empty selection of at most `k` hits, of costs in `range` when given.
    pub fn new(k: usize, range: Option<CostRange>) -> Self {
        TopK { k, heap: BinaryHeap::with_capacity(k + 1), range }
    }

    /// Cost a new hit must not exceed to be worth offering (ties are decided by key, and a
    /// range's exclusive upper bound, in [`TopK::push`]); `+inf` (or the range's upper bound)
    /// until the selection is full.
    #[inline]
    pub fn threshold(&self) -> f32 {
        let bound = self.range.map_or(f32::INFINITY, |r| r.hi);
        if self.heap.len() < self.k { bound } else { self.heap.peek().map_or(bound, |h| h.cost.min(bound)) }
    }

    /// Offers a hit; keeps it if it is in the range and beats the current worst.
    pub fn push(&mut self, hit: Hit) {
        if self.range.is_some_and(|r| !r.contains(hit.cost)) {
            return;
        }
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
        let mut t = TopK::new(3, None);
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
        let mut a = TopK::new(2, None);
        assert_eq!(a.threshold(), f32::INFINITY);
        a.push(hit(3.0, 1));
        a.push(hit(4.0, 2));
        assert_eq!(a.threshold(), 4.0);
        let mut b = TopK::new(2, None);
        b.push(hit(1.0, 5));
        a.merge(b);
        let costs: Vec<f32> = a.into_sorted().iter().map(|h| h.cost).collect();
        assert_eq!(costs, vec![1.0, 3.0]);
    }

    #[test]
    fn a_range_keeps_only_costs_in_it() {
        let mut t = TopK::new(10, Some(CostRange { lo: 1.0, hi: 3.0 }));
        assert_eq!(t.threshold(), 3.0);
        for (c, k) in [(0.5, 1), (1.0, 2), (2.5, 3), (3.0, 4), (9.0, 5)] {
            t.push(hit(c, k));
        }
        let costs: Vec<f32> = t.into_sorted().iter().map(|h| h.cost).collect();
        assert_eq!(costs, vec![1.0, 2.5], "lo is inclusive, hi exclusive");
    }
}
