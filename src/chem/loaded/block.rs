//! Dense inverses of the small blocks of the full-space solver's block-tridiagonal step
//! matrix (C x C, one per stage).

use super::super::ChemError;

/// Largest matrix [`invert`] handles in place (larger ones use the two-array variant).
const IN_PLACE_MAX: usize = 32;

/// Inverse with partial pivoting of the n x n matrix `m` (destroyed) into `inv`: in-place
/// Gauss-Jordan (n^3 multiply-adds), the row exchanges undone as column exchanges at the end.
pub(super) fn invert(m: &mut [f64], inv: &mut [f64], n: usize) -> Result<(), ChemError> {
    if n > IN_PLACE_MAX {
        return invert_two_arrays(m, inv, n);
    }
    let a = &mut inv[..n * n];
    a.copy_from_slice(&m[..n * n]);
    let mut perm = [0usize; IN_PLACE_MAX];
    for k in 0..n {
        let piv = (k..n)
            .max_by(|&x, &y| a[x * n + k].abs().total_cmp(&a[y * n + k].abs()))
            .unwrap_or(k);
        let pv = a[piv * n + k];
        if !(pv.abs() > 0.0 && pv.is_finite()) {
            return Err(singular());
        }
        perm[k] = piv;
        if piv != k {
            swap_rows(a, n, piv, k);
        }
        let ip = 1.0 / pv;
        a[k * n + k] = 1.0;
        a[k * n..(k + 1) * n].iter_mut().for_each(|v| *v *= ip);
        for row in 0..n {
            let f = a[row * n + k];
            if row != k && f != 0.0 {
                a[row * n + k] = 0.0;
                row_axpy(a, n, row, k, f, 0);
            }
        }
    }
    for k in (0..n).rev() {
        let p = perm[k];
        if p != k {
            for row in 0..n {
                a.swap(row * n + k, row * n + p);
            }
        }
    }
    Ok(())
}

fn singular() -> ChemError {
    ChemError::Numerical("singular Newton block in the cascade solver".into())
}

/// Gauss-Jordan inverse with partial pivoting of the n x n matrix `m` (destroyed) into `inv`.
fn invert_two_arrays(m: &mut [f64], inv: &mut [f64], n: usize) -> Result<(), ChemError> {
    inv.fill(0.0);
    for i in 0..n {
        inv[i * n + i] = 1.0;
    }
    for col in 0..n {
        let piv = (col..n)
            .max_by(|&a, &b| m[a * n + col].abs().total_cmp(&m[b * n + col].abs()))
            .unwrap_or(col);
        let pv = m[piv * n + col];
        if !(pv.abs() > 0.0 && pv.is_finite()) {
            return Err(singular());
        }
        if piv != col {
            swap_rows(m, n, piv, col);
            swap_rows(inv, n, piv, col);
        }
        let ip = 1.0 / pv;
        // Columns before `col` of m's pivot row are already zero.
        m[col * n + col..(col + 1) * n]
            .iter_mut()
            .for_each(|v| *v *= ip);
        inv[col * n..(col + 1) * n]
            .iter_mut()
            .for_each(|v| *v *= ip);
        for row in 0..n {
            let f = m[row * n + col];
            if row != col && f != 0.0 {
                row_axpy(m, n, row, col, f, col);
                row_axpy(inv, n, row, col, f, 0);
            }
        }
    }
    Ok(())
}

/// Swaps rows `a` != `b` of the n-column row-major matrix `m`.
fn swap_rows(m: &mut [f64], n: usize, a: usize, b: usize) {
    let (lo, hi) = (a.min(b), a.max(b));
    let (first, second) = m.split_at_mut(hi * n);
    first[lo * n..(lo + 1) * n].swap_with_slice(&mut second[..n]);
}

/// Row `row` -= f x row `piv` of the n-column row-major matrix `m`, from column `from` on
/// (`row` != `piv`).
fn row_axpy(m: &mut [f64], n: usize, row: usize, piv: usize, f: f64, from: usize) {
    let (target, pivot) = if row < piv {
        let (first, second) = m.split_at_mut(piv * n);
        (&mut first[row * n + from..(row + 1) * n], &second[from..n])
    } else {
        let (first, second) = m.split_at_mut(row * n);
        (&mut second[from..n], &first[piv * n + from..(piv + 1) * n])
    };
    for (t, p) in target.iter_mut().zip(pivot) {
        *t -= f * p;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both inverse variants give m^-1 m = I on a matrix that needs row exchanges.
    #[test]
    fn inverses_invert() {
        let n = 5;
        let m0: Vec<f64> = (0..n * n)
            .map(|k| {
                let (r, c) = (k / n, k % n);
                if r == c {
                    0.01
                } else {
                    ((r * 7 + c * 3) % 11) as f64 - 5.0
                }
            })
            .collect();
        for two in [false, true] {
            let (mut m, mut inv) = (m0.clone(), vec![0.0; n * n]);
            if two {
                invert_two_arrays(&mut m, &mut inv, n).unwrap();
            } else {
                invert(&mut m, &mut inv, n).unwrap();
            }
            for r in 0..n {
                for c in 0..n {
                    let v: f64 = (0..n).map(|k| inv[r * n + k] * m0[k * n + c]).sum();
                    let want = if r == c { 1.0 } else { 0.0 };
                    assert!((v - want).abs() < 1e-12, "{two} ({r}, {c}): {v}");
                }
            }
        }
    }
}
