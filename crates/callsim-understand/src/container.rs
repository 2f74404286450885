//! Reader for the tensor container of `weights.bin` and `normalizer.bin`.
//! The layout is documented in the crate docs (and at the top of
//! `scripts/convert-use-model.py`, which writes it).

use std::ops::Range;

pub(crate) const MAGIC: &[u8; 8] = b"CSIMTNSR";
pub(crate) const VERSION: u32 = 1;
const TRAILER: usize = 16;
const MAX_NDIM: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DType {
    F32,
    F64,
    I8,
    U8,
    U6,
    U32,
}

impl DType {
    fn from_code(code: u8) -> Option<DType> {
        Some(match code {
            1 => DType::F32,
            2 => DType::F64,
            3 => DType::I8,
            4 => DType::U8,
            5 => DType::U6,
            6 => DType::U32,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            DType::F32 => "f32",
            DType::F64 => "f64",
            DType::I8 => "i8",
            DType::U8 => "u8",
            DType::U6 => "u6",
            DType::U32 => "u32",
        }
    }

    /// Bytes for `count` elements, or `None` if that is not a whole number of
    /// bytes or overflows.
    fn bytes_for(self, count: usize) -> Option<usize> {
        match self {
            DType::F32 | DType::U32 => count.checked_mul(4),
            DType::F64 => count.checked_mul(8),
            DType::I8 | DType::U8 => Some(count),
            DType::U6 => count.is_multiple_of(4).then(|| count / 4 * 3),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct TensorInfo {
    pub(crate) name: String,
    pub(crate) dtype: DType,
    pub(crate) shape: Vec<usize>,
    pub(crate) data: Range<usize>,
}

/// A parsed container: the file's bytes and where each tensor lies in them.
#[derive(Debug)]
pub(crate) struct Container {
    pub(crate) bytes: Vec<u8>,
    tensors: Vec<TensorInfo>,
}

/// The container checksum: the bytes as little-endian u32 words `w_0 .. w_{n-1}`
/// (the last zero-padded); returns `(sum w_i, sum (n - i) * w_i)`, modulo 2^64.
pub(crate) fn checksum(body: &[u8]) -> (u64, u64) {
    let mut sum = 0u64;
    let mut weighted = 0u64;
    let mut words = body.chunks_exact(4);
    for w in &mut words {
        sum = sum.wrapping_add(u64::from(u32::from_le_bytes([w[0], w[1], w[2], w[3]])));
        weighted = weighted.wrapping_add(sum);
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 4];
        last[..rest.len()].copy_from_slice(rest);
        sum = sum.wrapping_add(u64::from(u32::from_le_bytes(last)));
        weighted = weighted.wrapping_add(sum);
    }
    (sum, weighted)
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| {
                format!(
                    "truncated: {what} at byte {} needs {n} bytes, {} left",
                    self.pos,
                    self.bytes.len() - self.pos
                )
            })?;
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], String> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N, what)?);
        Ok(out)
    }

    fn u8(&mut self, what: &str) -> Result<u8, String> {
        Ok(self.array::<1>(what)?[0])
    }

    fn u16(&mut self, what: &str) -> Result<u16, String> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }

    fn u32(&mut self, what: &str) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    fn u64(&mut self, what: &str) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }
}

impl Container {
    /// The stored checksum (the file's last 16 bytes), as one number: what
    /// tells two model files apart.
    pub(crate) fn fingerprint(&self) -> u64 {
        let tail = &self.bytes[self.bytes.len().saturating_sub(16)..];
        tail.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    /// Checks the magic, version, checksum and every tensor's bounds. The error
    /// is a sentence for [`crate::ModelError`], without the file name.
    pub(crate) fn parse(bytes: Vec<u8>) -> Result<Container, String> {
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err("not a callsim tensor file (bad magic bytes)".into());
        }
        if bytes.len() < MAGIC.len() + 8 + TRAILER {
            return Err(format!("truncated: only {} bytes", bytes.len()));
        }
        let body_len = bytes.len() - TRAILER;
        let mut cur = Cursor {
            bytes: &bytes[..body_len],
            pos: MAGIC.len(),
        };
        let version = cur.u32("version")?;
        if version != VERSION {
            return Err(format!(
                "format version {version}, this build reads version {VERSION}"
            ));
        }
        let count = cur.u32("tensor count")? as usize;
        let mut tensors = Vec::new();
        for index in 0..count {
            let name_len = usize::from(cur.u16("tensor name length")?);
            let name = std::str::from_utf8(cur.take(name_len, "tensor name")?)
                .map_err(|_| format!("tensor {index}: name is not UTF-8"))?
                .to_owned();
            let code = cur.u8("dtype")?;
            let dtype =
                DType::from_code(code).ok_or_else(|| format!("tensor {name}: unknown dtype {code}"))?;
            let ndim = usize::from(cur.u8("ndim")?);
            if ndim > MAX_NDIM {
                return Err(format!("tensor {name}: {ndim} dimensions"));
            }
            let mut shape = Vec::with_capacity(ndim);
            for _ in 0..ndim {
                shape.push(cur.u32("dimension")? as usize);
            }
            let count_el = shape
                .iter()
                .try_fold(1usize, |acc, &d| acc.checked_mul(d))
                .ok_or_else(|| format!("tensor {name}: shape {shape:?} overflows"))?;
            let want = dtype
                .bytes_for(count_el)
                .ok_or_else(|| format!("tensor {name}: {count_el} elements cannot be {}", dtype.name()))?;
            let nbytes = cur.u64("data length")?;
            if nbytes != want as u64 {
                return Err(format!(
                    "tensor {name}: {nbytes} data bytes, but {} {shape:?} needs {want}",
                    dtype.name()
                ));
            }
            let start = cur.pos;
            cur.take(want, &format!("data of tensor {name}"))?;
            tensors.push(TensorInfo {
                name,
                dtype,
                shape,
                data: start..start + want,
            });
        }
        if cur.pos != body_len {
            return Err(format!(
                "{} unexpected bytes after the last tensor",
                body_len - cur.pos
            ));
        }
        let trailer = &bytes[body_len..];
        let mut stored = [0u8; 8];
        stored.copy_from_slice(&trailer[..8]);
        let stored_sum = u64::from_le_bytes(stored);
        stored.copy_from_slice(&trailer[8..]);
        let stored_weighted = u64::from_le_bytes(stored);
        if checksum(&bytes[..body_len]) != (stored_sum, stored_weighted) {
            return Err("checksum mismatch: the file is damaged or was cut short".into());
        }
        Ok(Container { bytes, tensors })
    }

    pub(crate) fn tensor(&self, name: &str) -> Option<&TensorInfo> {
        self.tensors.iter().find(|t| t.name == name)
    }

    /// The tensor `name`, checked to have this dtype and shape.
    pub(crate) fn get(&self, name: &str, dtype: DType, shape: &[usize]) -> Result<&TensorInfo, String> {
        let t = self
            .tensors
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| format!("tensor {name} is missing"))?;
        if t.dtype != dtype || t.shape != shape {
            return Err(format!(
                "tensor {name} is {} {:?}, expected {} {:?}",
                t.dtype.name(),
                t.shape,
                dtype.name(),
                shape
            ));
        }
        Ok(t)
    }

    pub(crate) fn data(&self, t: &TensorInfo) -> &[u8] {
        &self.bytes[t.data.clone()]
    }

    pub(crate) fn f32s(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, String> {
        let t = self.get(name, DType::F32, shape)?;
        Ok(self
            .data(t)
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }

    pub(crate) fn f32_scalar(&self, name: &str) -> Result<f32, String> {
        let v = self.f32s(name, &[])?;
        v.first()
            .copied()
            .ok_or_else(|| format!("tensor {name} is empty"))
    }

    pub(crate) fn f64_scalar(&self, name: &str) -> Result<f64, String> {
        let t = self.get(name, DType::F64, &[])?;
        let mut b = [0u8; 8];
        b.copy_from_slice(self.data(t));
        Ok(f64::from_le_bytes(b))
    }

    pub(crate) fn u32s(&self, name: &str, len: Option<usize>) -> Result<Vec<u32>, String> {
        let t = self.find_1d(name, DType::U32, len)?;
        Ok(self
            .data(t)
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }

    pub(crate) fn u8s(&self, name: &str, len: Option<usize>) -> Result<&[u8], String> {
        let t = self.find_1d(name, DType::U8, len)?;
        Ok(self.data(t))
    }

    fn find_1d(&self, name: &str, dtype: DType, len: Option<usize>) -> Result<&TensorInfo, String> {
        let t = self
            .tensors
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| format!("tensor {name} is missing"))?;
        let actual = t.shape.first().copied();
        if t.dtype != dtype || t.shape.len() != 1 || (len.is_some() && actual != len) {
            return Err(format!(
                "tensor {name} is {} {:?}, expected a 1-d {}{}",
                t.dtype.name(),
                t.shape,
                dtype.name(),
                len.map(|l| format!(" of {l}")).unwrap_or_default()
            ));
        }
        Ok(t)
    }

    /// An int8 matrix and its `<name>.scale`.
    pub(crate) fn int8(&self, name: &str, rows: usize, cols: usize) -> Result<(Vec<i8>, f32), String> {
        let t = self.get(name, DType::I8, &[rows, cols])?;
        let scale = self.f32_scalar(&format!("{name}.scale"))?;
        if !scale.is_finite() {
            return Err(format!("tensor {name}.scale is not finite"));
        }
        Ok((self.data(t).iter().map(|&b| b as i8).collect(), scale))
    }

    /// An int8 matrix times its `<name>.scale`, as float32: `f32(q) * scale`.
    pub(crate) fn dequantised(&self, name: &str, rows: usize, cols: usize) -> Result<Vec<f32>, String> {
        let t = self.get(name, DType::I8, &[rows, cols])?;
        let scale = self.f32_scalar(&format!("{name}.scale"))?;
        if !scale.is_finite() {
            return Err(format!("tensor {name}.scale is not finite"));
        }
        Ok(self.data(t).iter().map(|&q| f32::from(q as i8) * scale).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A container with the given tensors, as the Python converter writes it.
    pub(crate) fn build(tensors: &[(&str, u8, &[u32], &[u8])]) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(tensors.len() as u32).to_le_bytes());
        for (name, dtype, shape, data) in tensors {
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.push(*dtype);
            out.push(shape.len() as u8);
            for d in *shape {
                out.extend_from_slice(&d.to_le_bytes());
            }
            out.extend_from_slice(&(data.len() as u64).to_le_bytes());
            out.extend_from_slice(data);
        }
        let (s, w) = checksum(&out);
        out.extend_from_slice(&s.to_le_bytes());
        out.extend_from_slice(&w.to_le_bytes());
        out
    }

    #[test]
    fn reads_what_it_is_given() {
        let data: Vec<u8> = [1.5f32, -2.0].iter().flat_map(|v| v.to_le_bytes()).collect();
        let bytes = build(&[("a", 1, &[2], &data), ("q", 3, &[1, 2], &[0xFF, 3])]);
        let c = Container::parse(bytes).expect("parses");
        assert_eq!(c.f32s("a", &[2]).expect("a"), vec![1.5, -2.0]);
        assert!(c.f32s("a", &[3]).is_err());
        assert!(c.f32s("b", &[2]).is_err());
    }

    #[test]
    fn every_truncation_and_every_flipped_byte_is_an_error() {
        let data: Vec<u8> = (0..64u8).collect();
        let bytes = build(&[("x", 4, &[64], &data), ("y", 5, &[4], &[1, 2, 3])]);
        assert!(Container::parse(bytes.clone()).is_ok());
        for len in 0..bytes.len() {
            assert!(Container::parse(bytes[..len].to_vec()).is_err(), "cut at {len}");
        }
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x10;
            assert!(Container::parse(b).is_err(), "flip at {i}");
        }
    }

    #[test]
    fn absurd_shapes_are_errors_not_allocations() {
        let bytes = build(&[("x", 1, &[u32::MAX, u32::MAX, u32::MAX, u32::MAX], &[])]);
        assert!(Container::parse(bytes).is_err());
        let bytes = build(&[("x", 5, &[3], &[0, 0])]);
        assert!(Container::parse(bytes).is_err());
    }
}
