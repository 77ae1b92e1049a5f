//! A fixed-length dense bitset, used for deleted rows and filter results.

/// Dense bitset of `len` bits stored in 64-bit words. Bits past `len` are always zero.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bitset {
    words: Vec<u64>,
    len: usize,
}

impl Bitset {
    /// `len` bits, all clear.
    pub fn new(len: usize) -> Self {
        Bitset { words: vec![0; len.div_ceil(64)], len }
    }

    /// `len` bits, all set.
    pub fn full(len: usize) -> Self {
        let mut b = Bitset { words: vec![u64::MAX; len.div_ceil(64)], len };
        b.clear_tail();
        b
    }

    /// Builds a bitset from little-endian words (the persisted form); extra bits are cleared.
    pub fn from_words(words: Vec<u64>, len: usize) -> Self {
        let mut words = words;
        words.resize(len.div_ceil(64), 0);
        let mut b = Bitset { words, len };
        b.clear_tail();
        b
    }

    fn clear_tail(&mut self) {
        let rem = self.len % 64;
        if rem != 0
            && let Some(last) = self.words.last_mut()
        {
            *last &= (1u64 << rem) - 1;
        }
    }

    /// Number of bits.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the bitset has no bits.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The words, for persistence and word-at-a-time scans.
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    /// Whether bit `i` is set. Panics if `i >= len`.
    #[inline]
    pub fn get(&self, i: usize) -> bool {
        assert!(i < self.len, "bit {i} out of range {}", self.len);
        self.words[i / 64] >> (i % 64) & 1 == 1
    }

    /// Sets bit `i`; returns whether it was clear before.
    #[inline]
    pub fn set(&mut self, i: usize) -> bool {
        assert!(i < self.len, "bit {i} out of range {}", self.len);
        let (w, m) = (i / 64, 1u64 << (i % 64));
        let was_clear = self.words[w] & m == 0;
        self.words[w] |= m;
        was_clear
    }

    /// Clears bit `i`.
    #[inline]
    pub fn clear(&mut self, i: usize) {
        assert!(i < self.len, "bit {i} out of range {}", self.len);
        self.words[i / 64] &= !(1u64 << (i % 64));
    }

    /// Grows (new bits clear) or shrinks to `len` bits.
    pub fn resize(&mut self, len: usize) {
        self.words.resize(len.div_ceil(64), 0);
        self.len = len;
        self.clear_tail();
    }

    /// Appends one bit.
    pub fn push(&mut self, bit: bool) {
        let i = self.len;
        self.resize(i + 1);
        if bit {
            self.set(i);
        }
    }

    /// Number of set bits.
    pub fn count_ones(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// In-place AND with `other` (same length).
    pub fn and_with(&mut self, other: &Bitset) {
        debug_assert_eq!(self.len, other.len);
        self.words.iter_mut().zip(&other.words).for_each(|(a, b)| *a &= b);
    }

    /// In-place OR with `other` (same length).
    pub fn or_with(&mut self, other: &Bitset) {
        debug_assert_eq!(self.len, other.len);
        self.words.iter_mut().zip(&other.words).for_each(|(a, b)| *a |= b);
    }

    /// In-place AND with the complement of `other` (same length).
    pub fn and_not_with(&mut self, other: &Bitset) {
        debug_assert_eq!(self.len, other.len);
        self.words.iter_mut().zip(&other.words).for_each(|(a, b)| *a &= !b);
    }

    /// Flips every bit.
    pub fn negate(&mut self) {
        self.words.iter_mut().for_each(|w| *w = !*w);
        self.clear_tail();
    }

    /// Indices of set bits, ascending.
    pub fn iter_ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let bit = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(wi * 64 + bit)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_get_count_iter() {
        let mut b = Bitset::new(130);
        assert!(b.set(0));
        assert!(!b.set(0));
        b.set(64);
        b.set(129);
        assert!(b.get(64) && !b.get(63));
        assert_eq!(b.count_ones(), 3);
        assert_eq!(b.iter_ones().collect::<Vec<_>>(), vec![0, 64, 129]);
        b.clear(64);
        assert_eq!(b.count_ones(), 2);
    }

    #[test]
    fn full_negate_and_logic_keep_tail_clear() {
        let mut f = Bitset::full(70);
        assert_eq!(f.count_ones(), 70);
        f.negate();
        assert_eq!(f.count_ones(), 0);
        let mut a = Bitset::full(70);
        let mut b = Bitset::new(70);
        b.set(3);
        a.and_not_with(&b);
        assert_eq!(a.count_ones(), 69);
        b.or_with(&Bitset::full(70));
        assert_eq!(b.count_ones(), 70);
        a.and_with(&Bitset::new(70));
        assert_eq!(a.count_ones(), 0);
    }

    #[test]
    fn resize_and_push() {
        let mut b = Bitset::full(10);
        b.resize(5);
        b.resize(100);
        assert_eq!(b.count_ones(), 5);
        b.push(true);
        assert!(b.get(100));
        assert_eq!(Bitset::from_words(vec![u64::MAX], 3).count_ones(), 3);
    }
}
