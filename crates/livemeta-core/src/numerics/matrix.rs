//! Small dense matrices: the p x p systems of meta-regression and the Hessians of the likelihood fits.

/// A p x p symmetric matrix, row-major.
pub(crate) struct Square {
    pub(crate) p: usize,
    pub(crate) cells: Vec<f64>,
}

impl Square {
    /// X'WX for rows x and weights w.
    pub(crate) fn cross(x: &[Vec<f64>], w: impl Fn(usize) -> f64) -> Square {
        let p = x.first().map_or(0, Vec::len);
        let mut cells = vec![0.0; p * p];
        for (i, row) in x.iter().enumerate() {
            let wi = w(i);
            for a in 0..p {
                for b in 0..p {
                    cells[a * p + b] += wi * row[a] * row[b];
                }
            }
        }
        Square { p, cells }
    }

    /// The inverse by Gauss-Jordan elimination with partial pivoting; None when singular.
    pub(crate) fn inverse(&self) -> Option<Square> {
        let p = self.p;
        let mut m = self.cells.clone();
        let mut inv: Vec<f64> = (0..p * p).map(|i| if i / p == i % p { 1.0 } else { 0.0 }).collect();
        let scale = m.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        for col in 0..p {
            let pivot = (col..p).max_by(|a, b| m[a * p + col].abs().total_cmp(&m[b * p + col].abs()))?;
            if m[pivot * p + col].abs() <= 1e-13 * scale {
                return None;
            }
            for j in 0..p {
                m.swap(col * p + j, pivot * p + j);
                inv.swap(col * p + j, pivot * p + j);
            }
            let d = m[col * p + col];
            for j in 0..p {
                m[col * p + j] /= d;
                inv[col * p + j] /= d;
            }
            for r in (0..p).filter(|r| *r != col) {
                let f = m[r * p + col];
                for j in 0..p {
                    m[r * p + j] -= f * m[col * p + j];
                    inv[r * p + j] -= f * inv[col * p + j];
                }
            }
        }
        Some(Square { p, cells: inv })
    }

    /// tr(self * other) for symmetric matrices.
    pub(crate) fn trace_product(&self, other: &Square) -> f64 {
        self.cells.iter().zip(&other.cells).map(|(a, b)| a * b).sum()
    }

    pub(crate) fn trace(&self) -> f64 {
        self.cells.iter().step_by(self.p + 1).sum()
    }

    pub(crate) fn product(&self, other: &Square) -> Square {
        let p = self.p;
        let cells = (0..p * p)
            .map(|i| (0..p).map(|j| self.cells[(i / p) * p + j] * other.cells[j * p + i % p]).sum())
            .collect();
        Square { p, cells }
    }
}

/// The inverse of a symmetric matrix given as rows, row-major; None when singular.
pub(crate) fn invert(m: &[Vec<f64>]) -> Option<Vec<f64>> {
    Square { p: m.len(), cells: m.concat() }.inverse().map(|inverse| inverse.cells)
}
