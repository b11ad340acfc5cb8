/** Small dense linear algebra for the forecast variance: Gram matrix, Cholesky factor, inverse quadratic form. */

/**
 * Lower-triangular L with L·Lᵀ = a (a symmetric, row-major), or null when a is not numerically
 * positive definite (a pivot below `relativeTolerance` × the largest diagonal entry).
 */
export function cholesky(a: readonly number[][], relativeTolerance = 1e-12): number[][] | null {
  const n = a.length;
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, Math.abs(a[i]![i]!));
  if (!(maxDiag > 0)) return null;
  const l: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    const lj = l[j]!;
    let d = a[j]![j]!;
    for (let k = 0; k < j; k++) d -= lj[k]! * lj[k]!;
    if (!(d > relativeTolerance * maxDiag)) return null;
    const djj = Math.sqrt(d);
    lj[j] = djj;
    for (let i = j + 1; i < n; i++) {
      const li = l[i]!;
      let v = a[i]![j]!;
      for (let k = 0; k < j; k++) v -= li[k]! * lj[k]!;
      li[j] = v / djj;
    }
  }
  return l;
}

/** xᵀ·(L·Lᵀ)⁻¹·x = |L⁻¹x|², by forward substitution. */
export function inverseQuadraticForm(l: readonly number[][], x: readonly number[]): number {
  const n = l.length;
  const v = new Array<number>(n);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const li = l[i]!;
    let r = x[i]!;
    for (let k = 0; k < i; k++) r -= li[k]! * v[k]!;
    v[i] = r / li[i]!;
    acc += v[i]! * v[i]!;
  }
  return acc;
}

/** Σ_t w_t·z_t·z_tᵀ over the rows z_t (all of length dim), symmetric. */
export function gramMatrix(rows: readonly number[][], dim: number, weight: (t: number) => number): number[][] {
  const g: number[][] = Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
  for (let t = 0; t < rows.length; t++) {
    const w = weight(t);
    if (!(w > 0)) continue;
    const z = rows[t]!;
    for (let i = 0; i < dim; i++) {
      const wi = w * z[i]!;
      if (wi === 0) continue;
      const row = g[i]!;
      for (let j = 0; j <= i; j++) row[j]! += wi * z[j]!;
    }
  }
  for (let i = 0; i < dim; i++) for (let j = 0; j < i; j++) g[j]![i] = g[i]![j]!;
  return g;
}
