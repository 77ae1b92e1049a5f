//! NumPy parts as `LocalBulkWriter` writes them: a directory with one `<field>.npy` per field
//! (`$meta.npy` for dynamic keys), each a C-ordered array of `rows` values (`rows × dim` for
//! vectors); VarChar and JSON as fixed-width UTF-32 strings (`<U<n>`); no nulls (Milvus's NumPy
//! import has none).

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use veclite::{Column, ColumnRef, Field, FieldType, QueryResult};

use super::{Builder, Cell, PartWriter, columns_of};

const MAGIC: &[u8] = b"\x93NUMPY";
/// Bytes of the header this writer reserves (magic, version, length, dictionary): room for any
/// shape, and a multiple of 64 as NumPy writes.
const HEADER: usize = 128;

/// The NumPy dtype of a field's file; `chars` is the width of string fields.
pub fn descr(ty: FieldType, chars: usize) -> String {
    match ty {
        FieldType::Bool => "|b1".into(),
        FieldType::Int8 => "|i1".into(),
        FieldType::Int16 => "<i2".into(),
        FieldType::Int32 => "<i4".into(),
        FieldType::Int64 => "<i8".into(),
        FieldType::Float | FieldType::FloatVector { .. } => "<f4".into(),
        FieldType::Double => "<f8".into(),
        FieldType::VarChar { .. } | FieldType::Json => format!("<U{}", chars.max(1)),
        // Milvus's NumPy files hold arrays as object arrays, which `check_supported` refuses.
        FieldType::Array { .. } => "|O".into(),
        // Packed vectors are refused by `NumpyPart::create`; their bytes would read as these.
        FieldType::Int8Vector { .. } => "|i1".into(),
        FieldType::Float16Vector { .. } => "<f2".into(),
        FieldType::BinaryVector { .. } | FieldType::BFloat16Vector { .. } => "|u1".into(),
        // Refused by `NumpyPart::create` too: Milvus's NumPy files hold sparse rows as objects.
        FieldType::SparseFloatVector => "|O".into(),
    }
}

/// A `.npy` header of exactly [`HEADER`] bytes.
fn header(descr: &str, shape: &[usize]) -> Vec<u8> {
    let shape = match shape {
        [n] => format!("({n},)"),
        dims => format!("({})", dims.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")),
    };
    let mut dict = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
    let room = HEADER - MAGIC.len() - 4 - 1;
    while dict.len() < room {
        dict.push(' ');
    }
    dict.push('\n');
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&[1, 0]);
    out.extend_from_slice(&(dict.len() as u16).to_le_bytes());
    out.extend_from_slice(dict.as_bytes());
    out
}

/// One field's file of a part being written: fixed-width values go straight after a reserved
/// header (its shape is written at the end); strings go to a side file first, as their width is
/// the longest string's.
struct FieldFile {
    field: Field,
    path: PathBuf,
    out: BufWriter<File>,
    /// Longest string so far, in characters (string fields).
    chars: usize,
}

impl FieldFile {
    fn is_text(&self) -> bool {
        is_text(self.field.field_type)
    }

    /// Bytes of one value (strings: at the current width).
    fn width(&self, chars: usize) -> u64 {
        match self.field.field_type {
            FieldType::Bool | FieldType::Int8 => 1,
            FieldType::Int16 => 2,
            FieldType::Int32 | FieldType::Float => 4,
            FieldType::Int64 | FieldType::Double => 8,
            FieldType::FloatVector { dim } => 4 * u64::from(dim),
            FieldType::VarChar { .. } | FieldType::Json => 4 * chars.max(1) as u64,
            FieldType::Array { .. } => 8,
            other => other.vector_kind().map_or(0, |(kind, dim)| kind.row_bytes(dim) as u64),
        }
    }
}

/// A NumPy part being written.
pub struct NumpyPart {
    dir: PathBuf,
    files: Vec<FieldFile>,
    rows: usize,
    /// Rows exported before this part, to name a null's row.
    first_row: usize,
}

impl NumpyPart {
    /// Creates the part directory `dir` for rows of `fields`; `first_row` is the export's row
    /// count before this part.
    pub fn create(dir: &Path, fields: &[Field], first_row: usize) -> Result<NumpyPart, String> {
        super::packed::refuse(fields, "NumPy")?;
        std::fs::create_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut files = Vec::with_capacity(fields.len());
        for field in fields {
            let path = dir.join(format!("{}.npy", field.name));
            let text = is_text(field.field_type);
            let target = if text { side_path(&path) } else { path.clone() };
            let fail = |e: std::io::Error| format!("{}: {e}", target.display());
            let mut out = BufWriter::new(File::create(&target).map_err(fail)?);
            if !text {
                out.write_all(&[0; HEADER]).map_err(fail)?;
            }
            files.push(FieldFile { field: field.clone(), path, out, chars: 0 });
        }
        Ok(NumpyPart { dir: dir.to_owned(), files, rows: 0, first_row })
    }
}

/// Whether values of `ty` are written as strings.
fn is_text(ty: FieldType) -> bool {
    matches!(ty, FieldType::VarChar { .. } | FieldType::Json)
}

/// The side file of the strings of the `.npy` file `path` while it is written.
fn side_path(path: &Path) -> PathBuf {
    path.with_extension("npy.strings")
}

impl PartWriter for NumpyPart {
    fn size_with(&self, batch: &QueryResult, rows: Range<usize>) -> Result<u64, String> {
        let fields: Vec<Field> = self.files.iter().map(|f| f.field.clone()).collect();
        let columns = columns_of(batch, &fields)?;
        let n = (self.rows + rows.len()) as u64;
        let mut total = 0;
        for (file, column) in self.files.iter().zip(columns) {
            let mut chars = file.chars;
            if file.is_text() {
                let data = column.data().as_ref();
                chars = rows.clone().map(|r| data.str_at(r).chars().count()).fold(chars, usize::max);
            }
            total += HEADER as u64 + n * file.width(chars);
        }
        Ok(total)
    }

    fn write(&mut self, batch: &QueryResult) -> Result<(), String> {
        let fields: Vec<Field> = self.files.iter().map(|f| f.field.clone()).collect();
        let columns = columns_of(batch, &fields)?;
        for (file, column) in self.files.iter_mut().zip(columns) {
            if let Some(row) = (0..column.len()).find(|&r| !column.is_valid(r)) {
                return Err(format!(
                    "field `{}` is null in row {} of the export: Milvus's NumPy import has no nulls; \
                     export --format parquet or json instead",
                    file.field.name,
                    self.first_row + self.rows + row
                ));
            }
            let fail = |e: std::io::Error| format!("{}: {e}", file.path.display());
            match column.data().as_ref() {
                data @ ColumnRef::VarChar { .. } => {
                    for r in 0..data.len() {
                        let text = data.str_at(r);
                        file.chars = file.chars.max(text.chars().count());
                        file.out.write_all(&(text.len() as u32).to_le_bytes()).map_err(fail)?;
                        file.out.write_all(text.as_bytes()).map_err(fail)?;
                    }
                }
                ColumnRef::Bool(v) => file.out.write_all(v).map_err(fail)?,
                ColumnRef::Int8(v) => file.out.write_all(bytemuck::cast_slice(v)).map_err(fail)?,
                ColumnRef::Int16(v) => file.out.write_all(bytemuck::cast_slice(v)).map_err(fail)?,
                ColumnRef::Int32(v) => file.out.write_all(bytemuck::cast_slice(v)).map_err(fail)?,
                ColumnRef::Int64(v) => file.out.write_all(bytemuck::cast_slice(v)).map_err(fail)?,
                ColumnRef::Float(v) => file.out.write_all(bytemuck::cast_slice(v)).map_err(fail)?,
                ColumnRef::Double(v) => file.out.write_all(bytemuck::cast_slice(v)).map_err(fail)?,
                ColumnRef::FloatVector { data, .. } => {
                    file.out.write_all(bytemuck::cast_slice(data)).map_err(fail)?
                }
                ColumnRef::Array { .. } => return Err(super::array_refusal(&file.field, "numpy")),
                ColumnRef::PackedVector { data, .. } => file.out.write_all(data).map_err(fail)?,
                ColumnRef::SparseVector(_) => {
                    return super::packed::refuse(std::slice::from_ref(&file.field), "NumPy");
                }
            }
        }
        self.rows += batch.len();
        Ok(())
    }

    fn rows(&self) -> usize {
        self.rows
    }

    fn finish(self: Box<Self>) -> Result<PathBuf, String> {
        for file in self.files {
            let fail = |e: std::io::Error| format!("{}: {e}", file.path.display());
            let mut shape = vec![self.rows];
            if let FieldType::FloatVector { dim } = file.field.field_type {
                shape.push(dim as usize);
            }
            let head = header(&descr(file.field.field_type, file.chars), &shape);
            let is_text = file.is_text();
            let mut out =
                file.out.into_inner().map_err(|e| format!("{}: {}", file.path.display(), e.error()))?;
            if is_text {
                out.sync_all().map_err(fail)?;
                drop(out);
                write_strings(&side_path(&file.path), &file.path, &head, file.chars.max(1), self.rows)
                    .map_err(fail)?;
                std::fs::remove_file(side_path(&file.path)).map_err(fail)?;
            } else {
                out.seek(SeekFrom::Start(0)).map_err(fail)?;
                out.write_all(&head).map_err(fail)?;
                out.sync_all().map_err(fail)?;
            }
        }
        Ok(self.dir)
    }
}

/// Writes the `.npy` file `path` of `rows` fixed-width UTF-32 strings of `chars` characters
/// from the length-prefixed UTF-8 strings in `side`.
fn write_strings(side: &Path, path: &Path, head: &[u8], chars: usize, rows: usize) -> std::io::Result<()> {
    let mut input = BufReader::new(File::open(side)?);
    let mut out = BufWriter::new(File::create(path)?);
    out.write_all(head)?;
    let mut text = Vec::new();
    let mut cell = vec![0u8; 4 * chars];
    for _ in 0..rows {
        let mut len = [0; 4];
        input.read_exact(&mut len)?;
        text.resize(u32::from_le_bytes(len) as usize, 0);
        input.read_exact(&mut text)?;
        cell.fill(0);
        let text = std::str::from_utf8(&text).map_err(std::io::Error::other)?;
        for (i, c) in text.chars().enumerate() {
            cell[4 * i..4 * i + 4].copy_from_slice(&u32::from(c).to_le_bytes());
        }
        out.write_all(&cell)?;
    }
    out.into_inner().map_err(|e| e.into_error())?.sync_all()
}

/// A parsed `.npy` file.
struct Npy {
    descr: String,
    shape: Vec<usize>,
    body: Vec<u8>,
}

/// Reads the `.npy` file at `path`.
fn read_npy(path: &Path) -> Result<Npy, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    if bytes.len() < 10 || &bytes[..6] != MAGIC {
        return Err("not a .npy file (bad magic)".into());
    }
    let (len, start) = match bytes[6] {
        1 => (usize::from(u16::from_le_bytes([bytes[8], bytes[9]])), 10),
        2 | 3 if bytes.len() >= 12 => {
            (u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize, 12)
        }
        v => return Err(format!(".npy format version {v} is not supported")),
    };
    let dict = bytes
        .get(start..start + len)
        .and_then(|h| std::str::from_utf8(h).ok())
        .ok_or("truncated or non-UTF-8 header")?;
    let value = |key: &str| -> Option<&str> {
        let at = dict.find(&format!("'{key}'"))?;
        dict[at + key.len() + 2..].trim_start().strip_prefix(':').map(str::trim_start)
    };
    let descr = value("descr")
        .and_then(|d| d.strip_prefix('\''))
        .and_then(|d| d.split('\'').next())
        .ok_or("header has no 'descr'")?
        .to_owned();
    if value("fortran_order").is_some_and(|v| v.starts_with("True")) {
        return Err("Fortran-ordered arrays are not supported (save a C-ordered array)".into());
    }
    let shape = value("shape")
        .and_then(|v| v.strip_prefix('('))
        .and_then(|v| v.split(')').next())
        .ok_or("header has no 'shape'")?
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|_| format!("malformed shape entry {s:?}")))
        .collect::<Result<Vec<usize>, String>>()?;
    Ok(Npy { descr, shape, body: bytes[start + len..].to_vec() })
}

/// Reads `<field>.npy` of `field` from a part directory into a column; returns it with its rows.
///
/// # Errors
/// A dtype or shape the field does not take, an object array (pickled Python values, what
/// NumPy saves for arrays holding `None`), a value the field does not take: naming the row.
pub fn read_field(path: &Path, field: &Field) -> Result<Column, String> {
    let npy = read_npy(path)?;
    let rows = *npy.shape.first().ok_or("a 0-dimensional array")?;
    let ty = field.field_type;
    let want_dims = if ty.is_vector() { 2 } else { 1 };
    if npy.shape.len() != want_dims {
        return Err(format!("shape {:?} for {}: expected {want_dims} dimensions", npy.shape, ty.describe()));
    }
    let descr = npy.descr.as_str();
    if descr.contains('O') {
        return Err("an object array (pickled Python values, as NumPy saves arrays holding None): \
                    Milvus's NumPy import takes no nulls; use Parquet or JSON for nulls"
            .into());
    }
    let kind = descr.trim_start_matches(['<', '>', '|', '=']);
    let width: usize = kind
        .get(1..)
        .and_then(|w| w.parse().ok())
        .ok_or_else(|| format!("dtype {descr} is not supported"))?;
    if descr.starts_with('>') && width > 1 {
        return Err(format!("big-endian dtype {descr} is not supported (save little-endian arrays)"));
    }
    let item = match (kind.as_bytes()[0], ty) {
        (b'U', _) => 4 * width,
        (b'S', _) => width,
        (_, FieldType::FloatVector { .. }) => width * npy.shape[1],
        _ => width,
    };
    if npy.body.len() != rows * item {
        return Err(format!("{} data bytes for shape {:?} of dtype {descr}", npy.body.len(), npy.shape));
    }
    let mut builder = Builder::new(field);
    let mut vector = Vec::new();
    for (row, bytes) in npy.body.chunks_exact(item.max(1)).take(rows).enumerate() {
        let text;
        let cell = match (kind, ty) {
            ("b1", _) => Cell::Bool(bytes[0] != 0),
            ("i1", _) => Cell::Int(i8::from_le_bytes([bytes[0]]).into()),
            ("i2", _) => Cell::Int(i16::from_le_bytes([bytes[0], bytes[1]]).into()),
            ("i4", _) => Cell::Int(i32::from_le_bytes(bytes.try_into().map_err(|_| "bad width")?).into()),
            ("i8", _) => Cell::Int(i64::from_le_bytes(bytes.try_into().map_err(|_| "bad width")?)),
            ("f4", FieldType::FloatVector { .. }) => {
                vector.clear();
                vector.extend(bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])));
                Cell::Vector(&vector)
            }
            ("f8", FieldType::FloatVector { .. }) => {
                vector.clear();
                vector.extend(
                    bytes
                        .chunks_exact(8)
                        .map(|c| f64::from_le_bytes(c.try_into().unwrap_or_default()) as f32),
                );
                Cell::Vector(&vector)
            }
            ("f4", _) => Cell::Float(f32::from_le_bytes(bytes.try_into().map_err(|_| "bad width")?).into()),
            ("f8", _) => Cell::Float(f64::from_le_bytes(bytes.try_into().map_err(|_| "bad width")?)),
            (k, _) if k.starts_with('U') => {
                text = utf32(bytes).ok_or_else(|| format!("row {row}: not valid UTF-32 text"))?;
                Cell::Text(&text)
            }
            (k, _) if k.starts_with('S') => {
                let end = bytes.iter().rposition(|b| *b != 0).map_or(0, |p| p + 1);
                text = String::from_utf8(bytes[..end].to_vec())
                    .map_err(|_| format!("row {row}: not UTF-8 text"))?;
                Cell::Text(&text)
            }
            _ => return Err(format!("dtype {descr} is not read into {}", ty.describe())),
        };
        builder.push(cell, row).map_err(|e| format!("row {row}: {e}"))?;
    }
    Ok(builder.finish())
}

/// A fixed-width UTF-32 string without its trailing NUL padding.
fn utf32(bytes: &[u8]) -> Option<String> {
    let chars: Option<String> = bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .map(char::from_u32)
        .collect();
    Some(chars?.trim_end_matches('\0').to_owned())
}

/// Reads the part directory `dir`: one column per field of `fields` that has a `<field>.npy`.
///
/// # Errors
/// A `.npy` file that is not a field, files of unequal row counts, and the errors of
/// [`read_field`] (naming the file).
pub fn read_dir(dir: &Path, fields: &[Field]) -> Result<Vec<Column>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| e.to_string())?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else { continue };
        if path.extension().is_some_and(|x| x == "npy") && !fields.iter().any(|f| f.name == stem) {
            return Err(format!("{}: `{stem}` is not a field of the collection", path.display()));
        }
    }
    let mut columns: Vec<(Column, PathBuf)> = Vec::new();
    for field in fields {
        let path = dir.join(format!("{}.npy", field.name));
        if !path.is_file() {
            continue;
        }
        let column = read_field(&path, field).map_err(|e| format!("{}: {e}", path.display()))?;
        if let Some((first, first_path)) = columns.first()
            && first.len() != column.len()
        {
            return Err(format!(
                "{} has {} rows but {} has {}",
                path.display(),
                column.len(),
                first_path.display(),
                first.len()
            ));
        }
        columns.push((column, path));
    }
    Ok(columns.into_iter().map(|(c, _)| c).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_128_bytes_and_parse_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.npy");
        let head = header("<f4", &[2, 3]);
        assert_eq!(head.len(), HEADER);
        let mut bytes = head.clone();
        bytes.extend(std::iter::repeat_n(0u8, 24));
        std::fs::write(&path, &bytes).unwrap();
        let npy = read_npy(&path).unwrap();
        assert_eq!((npy.descr.as_str(), npy.shape), ("<f4", vec![2, 3]));
        assert_eq!(header("<U7", &[usize::MAX]).len(), HEADER);
    }

    #[test]
    fn utf32_strips_padding() {
        let bytes: Vec<u8> = "hé".chars().chain(['\0']).flat_map(|c| u32::from(c).to_le_bytes()).collect();
        assert_eq!(utf32(&bytes).unwrap(), "hé");
    }
}
