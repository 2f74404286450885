//! `out = a @ w` for a few rows of activations times a weight matrix.
//!
//! Determinism: every output element is one chain of float32 operations,
//! `((0 + a[r][0] * w[0][j]) + a[r][1] * w[1][j]) + ...` in increasing `k`, each
//! multiply and each add rounded on its own (no fused multiply-add, no
//! reassociation). Vector code only ever runs several such chains side by side
//! (one per output column), so the SSE2, AVX2 and AVX-512 paths, and any other
//! target, give bit-identical results.

/// Columns in one packed panel: every matrix here has a multiple of 32 columns.
pub(crate) const NR: usize = 32;
/// Rows of activations the kernel works on at once.
const MR: usize = 4;

/// A `k × n` weight matrix, packed as `n / NR` panels of `k × NR` values so
/// the kernel reads it front to back.
#[derive(Debug, Clone)]
pub(crate) struct Matrix {
    k: usize,
    n: usize,
    panels: Vec<f32>,
}

impl Matrix {
    /// From a row-major `k × n` matrix; `n` must be a multiple of [`NR`].
    pub(crate) fn from_row_major(k: usize, n: usize, data: &[f32]) -> Option<Matrix> {
        if !n.is_multiple_of(NR) || data.len() != k.checked_mul(n)? {
            return None;
        }
        let mut panels = Vec::with_capacity(k * n);
        for p in 0..n / NR {
            for row in data.chunks_exact(n) {
                panels.extend_from_slice(&row[p * NR..(p + 1) * NR]);
            }
        }
        Some(Matrix { k, n, panels })
    }

    /// `out[r][j] = sum_k a[r * lda + k] * w[k][j]` for `r in 0..rows`, written to
    /// `out[r * ldo + j]`. The rows of `a` may overlap (`lda < k`), which is how
    /// the n-gram windows are read without copying.
    pub(crate) fn matmul(&self, a: &[f32], lda: usize, rows: usize, out: &mut [f32], ldo: usize) {
        assert!(
            rows == 0 || a.len() >= (rows - 1) * lda + self.k,
            "matmul: a too short"
        );
        assert!(
            rows == 0 || out.len() >= (rows - 1) * ldo + self.n,
            "matmul: out too short"
        );
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU has AVX-512F, checked just above.
                return unsafe { self.matmul_avx512(a, lda, rows, out, ldo) };
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has AVX2, checked just above.
                return unsafe { self.matmul_avx2(a, lda, rows, out, ldo) };
            }
        }
        self.matmul_generic(a, lda, rows, out, ldo);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    fn matmul_avx512(&self, a: &[f32], lda: usize, rows: usize, out: &mut [f32], ldo: usize) {
        self.matmul_generic(a, lda, rows, out, ldo);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn matmul_avx2(&self, a: &[f32], lda: usize, rows: usize, out: &mut [f32], ldo: usize) {
        self.matmul_generic(a, lda, rows, out, ldo);
    }

    #[inline(always)]
    fn matmul_generic(&self, a: &[f32], lda: usize, rows: usize, out: &mut [f32], ldo: usize) {
        let k = self.k;
        for (p, panel) in self.panels.chunks_exact(k * NR).enumerate() {
            let col = p * NR;
            let mut r = 0;
            while r + MR <= rows {
                let block: [&[f32]; MR] = std::array::from_fn(|i| &a[(r + i) * lda..(r + i) * lda + k]);
                let acc = kernel::<MR>(block, panel);
                for (i, acc_row) in acc.iter().enumerate() {
                    out[(r + i) * ldo + col..(r + i) * ldo + col + NR].copy_from_slice(acc_row);
                }
                r += MR;
            }
            while r < rows {
                let acc = kernel::<1>([&a[r * lda..r * lda + k]], panel);
                out[r * ldo + col..r * ldo + col + NR].copy_from_slice(&acc[0]);
                r += 1;
            }
        }
    }
}

/// A `k × n` int8 matrix with one float32 scale, packed in panels like
/// [`Matrix`], for products with a single row: it reads a quarter of the bytes.
/// Each weight is rebuilt as `f32(q) * scale` right before use, which is the
/// very value a dequantised [`Matrix`] holds, so the results are the same bits.
#[derive(Debug, Clone)]
pub(crate) struct QMatrix {
    k: usize,
    n: usize,
    scale: f32,
    panels: Vec<i8>,
}

impl QMatrix {
    /// From a row-major `k × n` int8 matrix; `n` must be a multiple of [`NR`].
    pub(crate) fn from_row_major(k: usize, n: usize, data: &[i8], scale: f32) -> Option<QMatrix> {
        if !n.is_multiple_of(NR) || data.len() != k.checked_mul(n)? {
            return None;
        }
        let mut panels = Vec::with_capacity(k * n);
        for p in 0..n / NR {
            for row in data.chunks_exact(n) {
                panels.extend_from_slice(&row[p * NR..(p + 1) * NR]);
            }
        }
        Some(QMatrix { k, n, scale, panels })
    }

    /// `out[j] = sum_k x[k] * w[k][j]`, in the same order as [`Matrix::matmul`].
    pub(crate) fn matvec(&self, x: &[f32], out: &mut [f32]) {
        assert!(x.len() >= self.k && out.len() >= self.n, "matvec: bad lengths");
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU has AVX-512F, checked just above.
                return unsafe { self.matvec_avx512(x, out) };
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has AVX2, checked just above.
                return unsafe { self.matvec_avx2(x, out) };
            }
        }
        self.matvec_generic(x, out);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    fn matvec_avx512(&self, x: &[f32], out: &mut [f32]) {
        self.matvec_generic(x, out);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn matvec_avx2(&self, x: &[f32], out: &mut [f32]) {
        self.matvec_generic(x, out);
    }

    #[inline(always)]
    fn matvec_generic(&self, x: &[f32], out: &mut [f32]) {
        let x = &x[..self.k];
        let scale = self.scale;
        for (panel, dst) in self
            .panels
            .chunks_exact(self.k * NR)
            .zip(out.chunks_exact_mut(NR))
        {
            let mut acc = [0.0f32; NR];
            for (w, &xv) in panel.chunks_exact(NR).zip(x) {
                for (a, &q) in acc.iter_mut().zip(w) {
                    *a += xv * (f32::from(q) * scale);
                }
            }
            dst.copy_from_slice(&acc);
        }
    }
}

#[inline(always)]
fn kernel<const M: usize>(rows: [&[f32]; M], panel: &[f32]) -> [[f32; NR]; M] {
    let mut acc = [[0.0f32; NR]; M];
    for (kk, w) in panel.chunks_exact(NR).enumerate() {
        for (acc_row, row) in acc.iter_mut().zip(rows.iter()) {
            let x = row[kk];
            for (c, &wv) in acc_row.iter_mut().zip(w.iter()) {
                *c += x * wv;
            }
        }
    }
    acc
}

/// The same product, one multiply-add at a time (for tests).
#[cfg(test)]
pub(crate) fn matmul_naive(a: &[f32], lda: usize, rows: usize, k: usize, n: usize, w: &[f32]) -> Vec<f32> {
    let mut out = vec![0.0f32; rows * n];
    for r in 0..rows {
        for j in 0..n {
            let mut s = 0.0f32;
            for kk in 0..k {
                s += a[r * lda + kk] * w[kk * n + j];
            }
            out[r * n + j] = s;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pseudo(n: usize, seed: u32) -> Vec<f32> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (s >> 8) as f32 / (1u32 << 24) as f32 - 0.5
            })
            .collect()
    }

    #[test]
    fn matches_the_naive_product_bit_for_bit() {
        let (k, n) = (96, 64);
        let w = pseudo(k * n, 1);
        let m = Matrix::from_row_major(k, n, &w).expect("shape");
        for rows in [0, 1, 3, 4, 5, 9] {
            // overlapping rows, as for the n-gram windows
            let lda = 32;
            let a = pseudo(rows.max(1) * lda + k, 2);
            let mut out = vec![0.0; rows * n];
            m.matmul(&a, lda, rows, &mut out, n);
            let want = matmul_naive(&a, lda, rows, k, n, &w);
            assert_eq!(
                out.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                want.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                "rows {rows}"
            );
        }
    }

    #[test]
    fn every_path_agrees() {
        let (k, n) = (64, 32);
        let w = pseudo(k * n, 3);
        let m = Matrix::from_row_major(k, n, &w).expect("shape");
        let a = pseudo(7 * k, 4);
        let mut generic = vec![0.0; 7 * n];
        m.matmul_generic(&a, k, 7, &mut generic, n);
        let mut dispatched = vec![0.0; 7 * n];
        m.matmul(&a, k, 7, &mut dispatched, n);
        assert_eq!(generic, dispatched);
    }

    #[test]
    fn the_int8_product_equals_the_dequantised_one() {
        let (k, n) = (200, 96);
        let q: Vec<i8> = (0..k * n)
            .map(|i| ((i * 37 + 11) % 255) as i32 - 127)
            .map(|v| v as i8)
            .collect();
        let scale = 0.013_721_f32;
        let w: Vec<f32> = q.iter().map(|&v| f32::from(v) * scale).collect();
        let x = pseudo(k, 5);
        let mut want = vec![0.0; n];
        Matrix::from_row_major(k, n, &w)
            .expect("shape")
            .matmul(&x, k, 1, &mut want, n);
        let mut got = vec![0.0; n];
        QMatrix::from_row_major(k, n, &q, scale)
            .expect("shape")
            .matvec(&x, &mut got);
        assert_eq!(
            got.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            want.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn rejects_bad_shapes() {
        assert!(Matrix::from_row_major(2, 31, &[0.0; 62]).is_none());
        assert!(Matrix::from_row_major(2, 32, &[0.0; 63]).is_none());
    }
}
