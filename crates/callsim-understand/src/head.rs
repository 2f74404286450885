//! callsim's head: a linear map applied to the encoder's vector, then
//! scaled back to unit length.
//!
//! The Universal Sentence Encoder puts texts near each other when they are
//! about the same thing; a trainer needs texts near each other when they
//! make the same *move* in a call (apologise and check, or promise a refund,
//! or hang up). The head is a 512 × 512 matrix trained for that by
//! `scripts/train-head.py` on the labelled typed replies of
//! `tests/understanding/` (the tuning splits only) and the replies and
//! examples of the shipped scenarios: the vectors of a text and of the
//! reply it means are drawn together, those of a text that means none of a
//! moment's replies pushed away from all of them. Trained from the identity
//! with a pull back towards it, so it adjusts the encoder's sense of
//! similarity rather than replacing it; checked on scenarios left out of
//! its training (docs/performance.md).

use crate::container::Container;
use crate::gemm::Matrix;
use crate::model::{OUT_DIM, finite, unit};

pub(crate) struct Head {
    w: Matrix,
}

impl Head {
    /// The `head` tensor: f32 [512, 512], used as `x @ W`.
    pub(crate) fn from_container(c: &Container) -> Result<Head, String> {
        let data = finite("head", c.f32s("head", &[OUT_DIM, OUT_DIM])?)?;
        let w = Matrix::from_row_major(OUT_DIM, OUT_DIM, &data).ok_or("head: bad shape")?;
        Ok(Head { w })
    }

    /// `x @ W`, divided by its length.
    pub(crate) fn apply(&self, x: &[f32; OUT_DIM], eps: f32) -> [f32; OUT_DIM] {
        let mut z = [0.0f32; OUT_DIM];
        self.w.matmul(x, OUT_DIM, 1, &mut z, OUT_DIM);
        unit(&mut z, eps);
        z
    }
}
