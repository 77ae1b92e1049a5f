//! The primary keys of a segment in sorted order: written at seal as the key order and sorted
//! keys blocks of the segment file ([`super::format`]), or built in memory from the key column
//! when a file has none (format version 1) or they fail their checksum. A key is found by binary
//! search, so looking keys up needs no in-memory map of the segment's keys.

use crate::column::ColumnRef;
use crate::error::{Error, Result};

/// A primary key: an Int64 value or a VarChar text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key<'a> {
    Int(i64),
    Str(&'a str),
}

impl<'a> Key<'a> {
    /// The key of row `row` of key column `keys` (`None` for a column of another type).
    pub fn of(keys: ColumnRef<'a>, row: usize) -> Option<Key<'a>> {
        match keys {
            ColumnRef::Int64(k) => Some(Key::Int(k[row])),
            c @ ColumnRef::VarChar { .. } => Some(Key::Str(c.str_at(row))),
            _ => None,
        }
    }
}

/// The key order of a key column: its row numbers in ascending key order (equal keys by row),
/// and for Int64 keys the keys in that order (empty for VarChar keys).
pub fn key_order(keys: ColumnRef<'_>) -> (Vec<u32>, Vec<i64>) {
    match keys {
        ColumnRef::Int64(k) => {
            let mut pairs: Vec<(i64, u32)> = k.iter().enumerate().map(|(r, &key)| (key, r as u32)).collect();
            pairs.sort_unstable();
            pairs.into_iter().map(|(key, row)| (row, key)).unzip()
        }
        c @ ColumnRef::VarChar { .. } => {
            let mut order: Vec<u32> = (0..c.len() as u32).collect();
            order.sort_unstable_by(|&a, &b| c.str_at(a as usize).cmp(c.str_at(b as usize)).then(a.cmp(&b)));
            (order, Vec::new())
        }
        _ => (Vec::new(), Vec::new()),
    }
}

/// A segment's keys in sorted order: `order` (row numbers by ascending key) over the key column
/// `keys`, with `sorted`, the Int64 keys in that order (empty for VarChar keys).
#[derive(Debug, Clone, Copy)]
pub struct SortedKeys<'a> {
    pub keys: ColumnRef<'a>,
    pub order: &'a [u32],
    pub sorted: &'a [i64],
}

impl<'a> SortedKeys<'a> {
    /// The key at position `i` of the order.
    fn at(&self, i: usize) -> Option<Key<'a>> {
        match self.keys {
            ColumnRef::Int64(_) => self.sorted.get(i).map(|&k| Key::Int(k)),
            keys => Key::of(keys, *self.order.get(i)? as usize),
        }
    }

    /// Smallest and largest key; `None` when there are no rows.
    pub fn range(&self) -> Option<(Key<'a>, Key<'a>)> {
        Some((self.at(0)?, self.at(self.order.len().checked_sub(1)?)?))
    }

    /// The first row holding `key` (equal keys in row order) for which `wanted` is true.
    pub fn find(&self, key: Key<'_>, wanted: impl Fn(usize) -> bool) -> Option<usize> {
        let first = match (key, self.keys) {
            (Key::Int(k), ColumnRef::Int64(_)) => self.sorted.partition_point(|&s| s < k),
            (Key::Str(k), c @ ColumnRef::VarChar { .. }) => {
                self.order.partition_point(|&r| c.str_at(r as usize) < k)
            }
            _ => return None,
        };
        (first..self.order.len())
            .map_while(|i| (self.at(i) == Some(key)).then(|| self.order[i] as usize))
            .find(|&row| wanted(row))
    }

    /// Checks that the order is a permutation of the rows sorted by key (equal keys by row) and
    /// that the sorted keys match the key column.
    ///
    /// # Errors
    /// [`Error::Corrupted`] naming `file`.
    pub fn check(&self, file: &std::path::Path) -> Result<()> {
        let rows = self.keys.len();
        let bad = |why: &str| Err(Error::corrupted(file, format!("key order block: {why}")));
        if self.order.len() != rows {
            return bad("its length is not the row count");
        }
        let mut seen = vec![false; rows];
        for &r in self.order {
            match seen.get_mut(r as usize) {
                Some(s) if !*s => *s = true,
                _ => return bad("not a permutation of the rows"),
            }
        }
        if let ColumnRef::Int64(k) = self.keys
            && (self.sorted.len() != rows
                || self.order.iter().zip(self.sorted).any(|(&r, &s)| k[r as usize] != s))
        {
            return bad("the sorted keys do not match the key column");
        }
        let sorted = self.order.windows(2).all(|w| {
            let (a, b) = (Key::of(self.keys, w[0] as usize), Key::of(self.keys, w[1] as usize));
            a < b || (a == b && w[0] < w[1])
        });
        if sorted { Ok(()) } else { bad("rows not in ascending key order") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::column::ColumnData;

    #[test]
    fn equal_keys_are_found_in_row_order_and_missing_keys_not_at_all() {
        let ints = ColumnData::Int64(vec![5, -3, 9, 5, 7]);
        let (order, sorted) = key_order(ints.as_ref());
        assert_eq!(order, [1, 0, 3, 4, 2]);
        assert_eq!(sorted, [-3, 5, 5, 7, 9]);
        let s = SortedKeys { keys: ints.as_ref(), order: &order, sorted: &sorted };
        s.check(std::path::Path::new("x")).unwrap();
        assert_eq!(s.find(Key::Int(5), |_| true), Some(0));
        assert_eq!(s.find(Key::Int(5), |r| r != 0), Some(3));
        assert_eq!(s.find(Key::Int(5), |r| r == 1), None);
        assert_eq!(s.find(Key::Int(9), |_| true), Some(2));
        assert_eq!(s.find(Key::Int(6), |_| true), None);
        assert_eq!(s.find(Key::Int(100), |_| true), None);
        assert_eq!(s.find(Key::Str("5"), |_| true), None);
        assert_eq!(s.range(), Some((Key::Int(-3), Key::Int(9))));

        let texts = ColumnData::varchar(["b", "a", "c", "a"]);
        let (order, sorted) = key_order(texts.as_ref());
        assert_eq!(order, [1, 3, 0, 2]);
        assert!(sorted.is_empty());
        let s = SortedKeys { keys: texts.as_ref(), order: &order, sorted: &sorted };
        s.check(std::path::Path::new("x")).unwrap();
        assert_eq!(s.find(Key::Str("a"), |_| true), Some(1));
        assert_eq!(s.find(Key::Str("a"), |r| r == 3), Some(3));
        assert_eq!(s.find(Key::Str("bb"), |_| true), None);
        assert_eq!(s.range(), Some((Key::Str("a"), Key::Str("c"))));
    }

    #[test]
    fn a_wrong_order_fails_the_check() {
        let ints = ColumnData::Int64(vec![2, 1]);
        let path = std::path::Path::new("s1.seg");
        for (order, sorted) in [(vec![0, 1], vec![2, 1]), (vec![1, 1], vec![1, 1]), (vec![1, 0], vec![1, 3])]
        {
            let s = SortedKeys { keys: ints.as_ref(), order: &order, sorted: &sorted };
            assert!(matches!(s.check(path), Err(Error::Corrupted { .. })), "{order:?} {sorted:?}");
        }
    }
}
