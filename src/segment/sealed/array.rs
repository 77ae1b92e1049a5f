//! The blocks of an array field in a sealed segment: `ArrayOffsets` ((rows + 1) × u64 element
//! offsets), then the elements as a VarChar (`Offsets`, `Bytes`) or fixed-width (`Values`)
//! column of the element type.

use super::{SealedSegment, fixed_width};
use crate::column::{ArrayValues, ColumnRef};
use crate::error::{Error, Result};
use crate::schema::ElementType;
use crate::segment::format::BlockKind;

impl SealedSegment {
    /// Checks the blocks of array field `f` holding `n` rows of `element`s: the row offsets rise
    /// from 0, and the element blocks hold exactly as many elements as the last offset says.
    pub(super) fn check_array_blocks(&self, f: u16, n: u64, element: ElementType) -> Result<()> {
        self.expect(BlockKind::ArrayOffsets, f, (n + 1) * 8)?;
        let offsets: &[u64] = self.cast(self.index[&(BlockKind::ArrayOffsets, f)])?;
        if offsets[0] != 0 || offsets.windows(2).any(|w| w[0] > w[1]) {
            return Err(Error::corrupted(
                &self.path,
                format!("array offsets of field {f} do not rise from 0"),
            ));
        }
        let elements = offsets[offsets.len() - 1];
        match element {
            ElementType::VarChar => self.check_text_blocks(f, elements),
            other => {
                self.expect(BlockKind::Values, f, elements.saturating_mul(fixed_width(other.scalar_type(0))))
            }
        }
    }

    /// The column of array field `f` (blocks checked at open by [`Self::check_array_blocks`]).
    pub(super) fn array_column(&self, f: u16, element: ElementType) -> Result<ColumnRef<'_>> {
        let offsets = self.cast(self.block_index(BlockKind::ArrayOffsets, f)?)?;
        let values = match element {
            ElementType::VarChar => ColumnRef::VarChar {
                offsets: self.cast(self.block_index(BlockKind::Offsets, f)?)?,
                bytes: self.block(self.block_index(BlockKind::Bytes, f)?)?,
            },
            ElementType::Bool => self.typed::<u8>(f)?,
            ElementType::Int8 => self.typed::<i8>(f)?,
            ElementType::Int16 => self.typed::<i16>(f)?,
            ElementType::Int32 => self.typed::<i32>(f)?,
            ElementType::Int64 => self.typed::<i64>(f)?,
            ElementType::Float => self.typed::<f32>(f)?,
            ElementType::Double => self.typed::<f64>(f)?,
        };
        let values = ArrayValues::from_column(values)
            .ok_or_else(|| Error::corrupted(&self.path, format!("array field {f} has no element values")))?;
        Ok(ColumnRef::Array { offsets, values })
    }
}
