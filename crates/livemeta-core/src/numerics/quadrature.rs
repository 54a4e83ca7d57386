//! Adaptive Gauss-Kronrod 7/15 quadrature, for the Bayesian posterior and the GLMM likelihoods.

/// One Gauss-Kronrod 7/15 panel on [a, b]: the Kronrod value and |Kronrod - Gauss| as its error.
pub(crate) fn gauss_kronrod_panel(f: &dyn Fn(f64) -> f64, a: f64, b: f64) -> (f64, f64) {
    let (kronrod, gauss, _) = kronrod_rule(f, a, b);
    (kronrod, (kronrod - gauss).abs())
}

/// The 15-point Kronrod and 7-point Gauss values on [a, b], and each node with its weighted value.
fn kronrod_rule(f: &dyn Fn(f64) -> f64, a: f64, b: f64) -> (f64, f64, Vec<(f64, f64)>) {
    const XK: [f64; 8] = [
        0.991455371120813,
        0.949107912342759,
        0.864864423359769,
        0.741531185599394,
        0.586087235467691,
        0.405845151377397,
        0.207784955007898,
        0.0,
    ];
    const WK: [f64; 8] = [
        0.022935322010529,
        0.063092092629979,
        0.104790010322250,
        0.140653259715525,
        0.169004726639267,
        0.190350578064785,
        0.204432940075298,
        0.209482141084728,
    ];
    const WG: [f64; 4] = [0.129484966168870, 0.279705391489277, 0.381830050505119, 0.417959183673469];
    let (mid, half) = ((a + b) / 2.0, (b - a) / 2.0);
    let mut panel = Vec::with_capacity(15);
    let (mut kronrod, mut gauss) = (0.0, 0.0);
    for (i, (&x, &wk)) in XK.iter().zip(&WK).enumerate() {
        let points: &[f64] = if x == 0.0 { &[0.0] } else { &[-x, x] };
        for &s in points {
            let node = mid + half * s;
            let value = f(node);
            kronrod += wk * value;
            if i % 2 == 1 {
                gauss += WG[i / 2] * value;
            }
            panel.push((node, half * wk * value));
        }
    }
    // (i = 7, the centre, is the Gauss rule's middle node.)
    (kronrod * half, gauss * half, panel)
}

/// Adaptive Gauss-Kronrod 7/15 on [a, b]: pushes (node, weight x f(node)) of every accepted
/// panel's Kronrod rule, so later integrals reuse the same nodes.
pub(crate) fn gauss_kronrod_adaptive(
    f: &dyn Fn(f64) -> f64,
    a: f64,
    b: f64,
    tol: f64,
    depth: u32,
    out: &mut Vec<(f64, f64)>,
) {
    let (kronrod, gauss, panel) = kronrod_rule(f, a, b);
    let mid = (a + b) / 2.0;
    if (kronrod - gauss).abs() <= tol.max(1e-300) || depth >= 40 {
        out.extend(panel);
    } else {
        gauss_kronrod_adaptive(f, a, mid, tol / 2.0, depth + 1, out);
        gauss_kronrod_adaptive(f, mid, b, tol / 2.0, depth + 1, out);
    }
}
