//! Anderson acceleration (type II, Walker & Ni 2011) of a fixed-point iteration u = G(u).

/// Mixing state: the last `depth` differences of residuals f = G(u) - u and of G(u).
#[derive(Debug, Clone)]
pub(crate) struct Anderson {
    depth: usize,
    dim: usize,
    /// Columns of Delta f, oldest first, `len` of them, each `dim` long.
    df: Vec<f64>,
    /// Columns of Delta G, same layout.
    dg: Vec<f64>,
    len: usize,
    prev_f: Vec<f64>,
    prev_g: Vec<f64>,
    has_prev: bool,
    q: Vec<f64>,
}

impl Anderson {
    /// Mixer for vectors of length `dim`, remembering `depth` steps.
    pub fn new(dim: usize, depth: usize) -> Self {
        Anderson {
            depth,
            dim,
            df: vec![0.0; dim * depth],
            dg: vec![0.0; dim * depth],
            len: 0,
            prev_f: vec![0.0; dim],
            prev_g: vec![0.0; dim],
            has_prev: false,
            q: vec![0.0; dim * depth],
        }
    }

    /// Forgets the history (the next step is a plain fixed-point step).
    pub fn reset(&mut self) {
        self.len = 0;
        self.has_prev = false;
    }

    /// Given the current iterate `u` and `g = G(u)`, writes the next iterate into `out`.
    pub fn step(&mut self, u: &[f64], g: &[f64], out: &mut [f64]) {
        let dim = self.dim;
        if self.has_prev {
            if self.len == self.depth {
                self.df.copy_within(dim.., 0);
                self.dg.copy_within(dim.., 0);
                self.len -= 1;
            }
            let k = self.len;
            for t in 0..dim {
                let f = g[t] - u[t];
                self.df[k * dim + t] = f - self.prev_f[t];
                self.dg[k * dim + t] = g[t] - self.prev_g[t];
            }
            self.len += 1;
        }
        for t in 0..dim {
            self.prev_f[t] = g[t] - u[t];
            self.prev_g[t] = g[t];
        }
        self.has_prev = true;
        out.copy_from_slice(g);
        let gamma = self.least_squares();
        for (k, gk) in gamma {
            for t in 0..dim {
                out[t] -= gk * self.dg[k * dim + t];
            }
        }
    }

    /// Solves min || f - DF gamma || by modified Gram-Schmidt, dropping columns that are
    /// nearly dependent on earlier ones. Returns (column, coefficient) pairs.
    fn least_squares(&mut self) -> Vec<(usize, f64)> {
        let dim = self.dim;
        let mut kept: Vec<usize> = Vec::with_capacity(self.len);
        let mut r = vec![0.0; self.len * self.len];
        for k in 0..self.len {
            let col = &self.df[k * dim..(k + 1) * dim];
            let norm0 = dot(col, col).sqrt();
            let slot = kept.len();
            let (done, rest) = self.q.split_at_mut(slot * dim);
            let v = &mut rest[..dim];
            v.copy_from_slice(col);
            for (s, _) in kept.iter().enumerate() {
                let qs = &done[s * dim..(s + 1) * dim];
                let h = dot(qs, v);
                r[s * self.len + slot] = h;
                v.iter_mut().zip(qs).for_each(|(vi, qi)| *vi -= h * qi);
            }
            let norm = dot(v, v).sqrt();
            if norm0 > 0.0 && norm > 1e-10 * norm0 {
                v.iter_mut().for_each(|vi| *vi /= norm);
                r[slot * self.len + slot] = norm;
                kept.push(k);
            }
        }
        // gamma = R^-1 Q^T f
        let f = &self.prev_f;
        let m = kept.len();
        let mut gamma = vec![0.0; m];
        for s in 0..m {
            gamma[s] = dot(&self.q[s * dim..(s + 1) * dim], f);
        }
        for s in (0..m).rev() {
            let mut acc = gamma[s];
            for t in s + 1..m {
                acc -= r[s * self.len + t] * gamma[t];
            }
            gamma[s] = acc / r[s * self.len + s];
        }
        kept.into_iter().zip(gamma).collect()
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accelerates_a_linear_contraction() {
        // u = A u + b with spectral radius 0.99: plain iteration needs ~3000 steps for 1e-12;
        // Anderson with depth 3 on a 3-dimensional problem converges in a handful.
        let a = [[0.99, 0.0, 0.0], [0.1, 0.5, 0.0], [0.0, 0.2, 0.9]];
        let b = [1.0, 2.0, 3.0];
        let g = |u: &[f64]| -> Vec<f64> {
            (0..3)
                .map(|i| (0..3).map(|k| a[i][k] * u[k]).sum::<f64>() + b[i])
                .collect()
        };
        let mut mixer = Anderson::new(3, 3);
        let mut u = vec![0.0; 3];
        let mut next = vec![0.0; 3];
        let mut steps = 0;
        loop {
            let gu = g(&u);
            let res: f64 = gu
                .iter()
                .zip(&u)
                .map(|(x, y)| (x - y).abs())
                .fold(0.0, f64::max);
            if res < 1e-12 || steps > 50 {
                break;
            }
            mixer.step(&u, &gu, &mut next);
            u.copy_from_slice(&next);
            steps += 1;
        }
        assert!(steps <= 10, "{steps} steps");
    }
}
