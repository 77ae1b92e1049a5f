//! Bounded top-k selection with a deterministic order: lower cost first, ties by smaller key;
//! or, for a group-by search, the best `k` groups of at most `group_size` hits each.
//!
//! Costs are "lower is better": the squared L2 distance, or the negated similarity for IP and
//! COSINE, so one heap serves every metric.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use crate::column::PrimaryKey;
use crate::params::CostRange;

/// The value of a hit's group-by field (null is a group of its own).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupKey {
    Null,
    Bool(bool),
    Int(i64),
    Str(Box<str>),
}

/// A candidate hit.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub cost: f32,
    pub key: PrimaryKey,
    pub segment: u64,
    pub row: usize,
    /// The hit's group, in a group-by search.
    pub group: Option<GroupKey>,
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

/// Keeps the `k` best hits seen (of those whose cost is in the range, for a range search), or
/// for a group-by search the best `group_size` hits of every group seen.
#[derive(Debug)]
pub struct TopK {
    k: usize,
    heap: BinaryHeap<Hit>,
    range: Option<CostRange>,
    /// Group-by search: each group's best hits, at most `group_size`.
    groups: Option<Groups>,
}

#[derive(Debug)]
struct Groups {
    size: usize,
    best: HashMap<GroupKey, TopK>,
}

impl TopK {
    /// An empty selection of at most `k` hits, of costs in `range` when given.
    pub fn new(k: usize, range: Option<CostRange>) -> Self {
        TopK { k, heap: BinaryHeap::with_capacity(k + 1), range, groups: None }
    }

    /// An empty group-by selection: the best `k` groups (ranked by their best hit) of at most
    /// `group_size` hits each, of costs in `range` when given. Every hit offered must carry its
    /// group.
    pub fn grouped(k: usize, group_size: usize, range: Option<CostRange>) -> Self {
        TopK { groups: Some(Groups { size: group_size, best: HashMap::new() }), ..TopK::new(k, range) }
    }

    /// Cost a new hit must not exceed to be worth offering (ties are decided by key, and a
    /// range's exclusive upper bound, in [`TopK::push`]); `+inf` (or the range's upper bound)
    /// until the selection is full.
    #[inline]
    pub fn threshold(&self) -> f32 {
        let bound = self.range.map_or(f32::INFINITY, |r| r.hi);
        if self.groups.is_some() || self.heap.len() < self.k {
            bound
        } else {
            self.heap.peek().map_or(bound, |h| h.cost.min(bound))
        }
    }

    /// Offers a hit; keeps it if it is in the range and beats the current worst.
    pub fn push(&mut self, hit: Hit) {
        if self.range.is_some_and(|r| !r.contains(hit.cost)) {
            return;
        }
        if let Some(groups) = &mut self.groups {
            let size = groups.size;
            let group = hit.group.clone().unwrap_or(GroupKey::Null);
            groups.best.entry(group).or_insert_with(|| TopK::new(size, None)).push(hit);
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
        for (_, group) in other.groups.into_iter().flat_map(|g| g.best) {
            self.merge(group);
        }
    }

    /// The hits, best first; for a group-by search, the best `k` groups (ordered by their best
    /// hit, which is first in each group) with their hits best first.
    pub fn into_sorted(self) -> Vec<Hit> {
        self.into_groups().into_iter().flatten().collect()
    }

    /// The hits in groups: one group per hit unless this is a group-by search, in which case
    /// the best `k` groups ordered by their best hit, each with its hits best first.
    pub fn into_groups(self) -> Vec<Vec<Hit>> {
        let Some(groups) = self.groups else {
            return self.heap.into_sorted_vec().into_iter().map(|hit| vec![hit]).collect();
        };
        let mut groups: Vec<Vec<Hit>> = groups.best.into_values().map(TopK::into_sorted).collect();
        groups.retain(|g| !g.is_empty());
        groups.sort_by(|a, b| a[0].cmp(&b[0]));
        groups.truncate(self.k);
        groups
    }

    /// For a group-by search, how many groups hold `group_size` hits; otherwise how many hits
    /// are kept.
    pub fn filled(&self) -> usize {
        match &self.groups {
            Some(groups) => groups.best.values().filter(|g| g.heap.len() >= groups.size).count(),
            None => self.heap.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(cost: f32, key: i64) -> Hit {
        Hit { cost, key: PrimaryKey::Int(key), segment: 0, row: 0, group: None }
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

    #[test]
    fn groups_rank_by_their_best_hit_and_keep_group_size_hits() {
        let grouped =
            |cost: f32, key: i64, group: i64| Hit { group: Some(GroupKey::Int(group)), ..hit(cost, key) };
        let mut t = TopK::grouped(2, 2, None);
        let mut other = TopK::grouped(2, 2, None);
        for (c, k, g) in [(5.0, 1, 10), (1.0, 2, 20), (2.0, 3, 20), (0.5, 4, 30), (3.0, 5, 20), (4.0, 6, 10)]
        {
            t.push(grouped(c, k, g));
        }
        other.push(grouped(0.1, 7, 10));
        t.merge(other);
        assert_eq!(t.filled(), 2, "groups 10 and 20 hold two hits");
        let groups: Vec<Vec<i64>> = t
            .into_groups()
            .iter()
            .map(|g| g.iter().map(|h| if let PrimaryKey::Int(k) = h.key { k } else { 0 }).collect())
            .collect();
        assert_eq!(groups, vec![vec![7, 6], vec![4]], "group 10 (best 0.1), then 30 (0.5); 20 is third");
    }
}
