/** Deterministic Nelder–Mead minimiser (standard coefficients, fixed start simplex). */
export interface NelderMeadOptions {
  maxIterations: number;
  /** Initial simplex edge along each axis. */
  step: number;
  /** Stop when the spread of simplex values falls below tolerance · (1 + |best|). */
  tolerance?: number;
}

export function nelderMead(f: (x: readonly number[]) => number, start: readonly number[], options: NelderMeadOptions): { x: number[]; value: number } {
  const dim = start.length;
  const tol = options.tolerance ?? 1e-10;
  const safe = (x: readonly number[]): number => {
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  let simplex: Array<{ x: number[]; v: number }> = [{ x: [...start], v: safe(start) }];
  for (let i = 0; i < dim; i++) {
    const x = [...start];
    x[i] = x[i]! + options.step;
    simplex.push({ x, v: safe(x) });
  }
  const combine = (a: readonly number[], b: readonly number[], t: number): number[] => a.map((ai, i) => ai + t * (b[i]! - ai));
  for (let iter = 0; iter < options.maxIterations; iter++) {
    simplex.sort((p, q) => p.v - q.v);
    const best = simplex[0]!;
    const worst = simplex[dim]!;
    if (Number.isFinite(worst.v) && worst.v - best.v <= tol * (1 + Math.abs(best.v))) break;
    const centroid = new Array<number>(dim).fill(0);
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) centroid[j]! += simplex[i]!.x[j]! / dim;
    const reflected = combine(centroid, worst.x, -1);
    const vr = safe(reflected);
    const secondWorst = simplex[dim - 1]!;
    if (vr < best.v) {
      const expanded = combine(centroid, worst.x, -2);
      const ve = safe(expanded);
      simplex[dim] = ve < vr ? { x: expanded, v: ve } : { x: reflected, v: vr };
    } else if (vr < secondWorst.v) {
      simplex[dim] = { x: reflected, v: vr };
    } else {
      const outside = vr < worst.v;
      const contracted = outside ? combine(centroid, reflected, 0.5) : combine(centroid, worst.x, 0.5);
      const vc = safe(contracted);
      if (vc < (outside ? vr : worst.v)) simplex[dim] = { x: contracted, v: vc };
      else simplex = simplex.map((p, i) => (i === 0 ? p : { x: combine(best.x, p.x, 0.5), v: safe(combine(best.x, p.x, 0.5)) }));
    }
  }
  simplex.sort((p, q) => p.v - q.v);
  return { x: simplex[0]!.x, value: simplex[0]!.v };
}
