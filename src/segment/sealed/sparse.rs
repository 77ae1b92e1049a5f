//! The blocks of a sparse vector field in a sealed segment: `Offsets` ((rows + 1) × u64 entry
//! offsets), `SparseIndices` (u32 per entry) and `Values` (f32 per entry), each checksummed and
//! mapped, read zero-copy as [`SparseRows`].

use super::SealedSegment;
use crate::column::{ColumnRef, SparseRows};
use crate::error::{Error, Result};
use crate::segment::format::BlockKind;

impl SealedSegment {
    /// Checks the blocks of sparse field `f` holding `n` rows: the row offsets rise from 0 to the
    /// entry count, and the index and value blocks hold exactly that many entries.
    pub(super) fn check_sparse_blocks(&self, f: u16, n: u64) -> Result<()> {
        self.expect(BlockKind::Offsets, f, (n + 1) * 8)?;
        let offsets: &[u64] = self.cast(self.index[&(BlockKind::Offsets, f)])?;
        let entries = offsets[offsets.len() - 1];
        if offsets[0] != 0 || offsets.windows(2).any(|w| w[0] > w[1]) {
            return Err(Error::corrupted(
                &self.path,
                format!("sparse row offsets of field {f} do not rise from 0"),
            ));
        }
        self.expect(BlockKind::SparseIndices, f, entries.saturating_mul(4))?;
        self.expect(BlockKind::Values, f, entries.saturating_mul(4))
    }

    /// The column of sparse field `f` (blocks checked at open by [`Self::check_sparse_blocks`]).
    pub(super) fn sparse_column(&self, f: u16) -> Result<ColumnRef<'_>> {
        let offsets = self.cast(self.block_index(BlockKind::Offsets, f)?)?;
        let indices = self.cast(self.block_index(BlockKind::SparseIndices, f)?)?;
        let values = self.cast(self.block_index(BlockKind::Values, f)?)?;
        SparseRows::new(offsets, indices, values)
            .map(ColumnRef::SparseVector)
            .ok_or_else(|| Error::corrupted(&self.path, format!("sparse blocks of field {f} do not agree")))
    }
}
