/// Maps effect values to x pixels: log scale for ratios, linear for differences.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AxisScale {
    pub min: f64,
    pub max: f64,
    pub is_ratio: bool,
}

const RATIO_TICKS: [f64; 13] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0];

impl AxisScale {
    /// A symmetric range around the null that holds every point estimate and, where it can,
    /// the confidence limits; arrows mark limits that fall outside.
    pub fn fit(values: impl Iterator<Item = f64>, is_ratio: bool) -> AxisScale {
        let mut extent: f64 = if is_ratio { 2f64.ln() } else { 0.1 };
        for v in values.filter(|v| v.is_finite()) {
            let d = if is_ratio { v.ln().abs() } else { v.abs() };
            extent = extent.max(d);
        }
        if is_ratio {
            let max = RATIO_TICKS.iter().copied().find(|t| t.ln() >= extent * 0.9999).unwrap_or(100.0);
            AxisScale { min: 1.0 / max, max, is_ratio }
        } else {
            let step = [0.05, 0.1, 0.2, 0.25, 0.5, 1.0].into_iter().find(|s| s * 4.0 >= extent).unwrap_or(1.0);
            let max = (extent / step).ceil() * step;
            AxisScale { min: -max, max, is_ratio }
        }
    }

    fn t(&self, v: f64) -> f64 {
        if self.is_ratio {
            v.ln()
        } else {
            v
        }
    }

    /// Position of v as a fraction of the axis width; may lie outside [0, 1].
    pub fn fraction(&self, v: f64) -> f64 {
        (self.t(v) - self.t(self.min)) / (self.t(self.max) - self.t(self.min))
    }

    /// The value at a fraction of the axis width (the inverse of `fraction`).
    pub fn value_at(&self, fraction: f64) -> f64 {
        let t = self.t(self.min) + fraction * (self.t(self.max) - self.t(self.min));
        if self.is_ratio {
            t.exp()
        } else {
            t
        }
    }

    pub fn ticks(&self) -> Vec<f64> {
        if self.is_ratio {
            RATIO_TICKS.iter().copied().filter(|t| *t >= self.min * 0.999 && *t <= self.max * 1.001).collect()
        } else {
            let step = self.max / 2.0;
            (-2..=2).map(|i| i as f64 * step).collect()
        }
    }

    pub fn null_value(&self) -> f64 {
        if self.is_ratio {
            1.0
        } else {
            0.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_axis_is_symmetric_on_log_scale_and_covers_estimates() {
        let s = AxisScale::fit([0.3, 1.5].into_iter(), true);
        assert_eq!((s.min, s.max), (0.2, 5.0));
        assert_eq!(s.ticks(), vec![0.2, 0.5, 1.0, 2.0, 5.0]);
        assert!((s.fraction(1.0) - 0.5).abs() < 1e-12);
        // A pooled interval given to the fit (0.61 [0.34, 1.10]) is held whole.
        let s = AxisScale::fit([0.61, 0.34, 1.10].into_iter(), true);
        assert!(s.min <= 0.34 && s.max >= 1.10, "{s:?}");
    }
}
