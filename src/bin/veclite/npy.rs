//! Reading query vectors from a NumPy `.npy` file: a little-endian `float32` or `float64` array
//! in C order, of shape `(dim,)` (one query) or `(nq, dim)`.

use std::path::Path;

/// Query vectors read from a file: `nq × dim` components, query after query.
#[derive(Debug)]
pub struct Vectors {
    pub dim: usize,
    pub data: Vec<f32>,
}

const MAGIC: &[u8] = b"\x93NUMPY";

/// Reads the `.npy` file at `path`.
///
/// # Errors
/// A message naming the file and what about it is not supported.
pub fn read(path: &Path) -> Result<Vectors, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn parse(bytes: &[u8]) -> Result<Vectors, String> {
    if bytes.len() < 10 || &bytes[..6] != MAGIC {
        return Err("not a .npy file (bad magic)".into());
    }
    let (header_len, start) = match bytes[6] {
        1 => (usize::from(u16::from_le_bytes([bytes[8], bytes[9]])), 10),
        2 | 3 if bytes.len() >= 12 => {
            (u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize, 12)
        }
        v => return Err(format!(".npy format version {v} is not supported")),
    };
    let header = bytes
        .get(start..start + header_len)
        .and_then(|h| std::str::from_utf8(h).ok())
        .ok_or("truncated or non-UTF-8 header")?;
    let descr = dict_value(header, "descr").ok_or("header has no 'descr'")?;
    let descr = descr.strip_prefix('\'').and_then(|d| d.split('\'').next()).ok_or("malformed 'descr'")?;
    let width = match descr {
        "<f4" => 4,
        "<f8" => 8,
        other => {
            return Err(format!("dtype {other} is not supported (use little-endian float32 or float64)"));
        }
    };
    if dict_value(header, "fortran_order").is_some_and(|v| v.starts_with("True")) {
        return Err("Fortran-ordered arrays are not supported (save a C-ordered array)".into());
    }
    let shape = shape(header)?;
    let (nq, dim) = match shape.as_slice() {
        [dim] => (1, *dim),
        [nq, dim] => (*nq, *dim),
        _ => return Err(format!("shape {shape:?} is not (dim,) or (nq, dim)")),
    };
    let body = &bytes[start + header_len..];
    if body.len() != nq * dim * width {
        return Err(format!("{} data bytes for shape {shape:?} of {width}-byte floats", body.len()));
    }
    let data = if width == 4 {
        body.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
    } else {
        body.chunks_exact(8)
            .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]) as f32)
            .collect()
    };
    Ok(Vectors { dim, data })
}

/// The text after `'key':` in the header dictionary.
fn dict_value<'h>(header: &'h str, key: &str) -> Option<&'h str> {
    let at = header.find(&format!("'{key}'"))?;
    let rest = &header[at + key.len() + 2..];
    Some(rest.trim_start().strip_prefix(':')?.trim_start())
}

fn shape(header: &str) -> Result<Vec<usize>, String> {
    let value = dict_value(header, "shape").ok_or("header has no 'shape'")?;
    let inner = value.strip_prefix('(').and_then(|v| v.split(')').next()).ok_or("malformed 'shape'")?;
    inner
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|_| format!("malformed 'shape' entry {s:?}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn npy(descr: &str, shape: &str, body: &[u8]) -> Vec<u8> {
        let mut header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
        while (10 + header.len() + 1) % 64 != 0 {
            header.push(' ');
        }
        header.push('\n');
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&[1, 0]);
        out.extend_from_slice(&(header.len() as u16).to_le_bytes());
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(body);
        out
    }

    #[test]
    fn reads_float32_matrices_and_float64_vectors() {
        let body: Vec<u8> = [1.0f32, 2.0, 3.0, 4.0].iter().flat_map(|x| x.to_le_bytes()).collect();
        let v = parse(&npy("<f4", "(2, 2)", &body)).unwrap();
        assert_eq!((v.dim, v.data), (2, vec![1.0, 2.0, 3.0, 4.0]));
        let body: Vec<u8> = [0.5f64, -1.0, 2.0].iter().flat_map(|x| x.to_le_bytes()).collect();
        let v = parse(&npy("<f8", "(3,)", &body)).unwrap();
        assert_eq!((v.dim, v.data), (3, vec![0.5, -1.0, 2.0]));
    }

    #[test]
    fn refuses_other_dtypes_and_short_data() {
        assert!(parse(&npy("<i8", "(1,)", &[0; 8])).unwrap_err().contains("<i8"));
        assert!(parse(&npy("<f4", "(2, 2)", &[0; 12])).unwrap_err().contains("12 data bytes"));
    }
}
