use crate::error::EngineError;
use serde::{Deserialize, Serialize};

/// One study's 2x2 table as the user gives it: events and totals per arm.
/// Signed so that a negative count reaches validation and gets a precise message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudyCounts {
    pub label: String,
    pub events_treatment: i64,
    pub total_treatment: i64,
    pub events_control: i64,
    pub total_control: i64,
}

impl StudyCounts {
    pub fn new(
        label: impl Into<String>,
        events_treatment: i64,
        total_treatment: i64,
        events_control: i64,
        total_control: i64,
    ) -> Self {
        StudyCounts { label: label.into(), events_treatment, total_treatment, events_control, total_control }
    }

    pub fn validate(&self) -> Result<(), EngineError> {
        let fail = |field: &'static str, message: String| {
            Err(EngineError::InvalidInput { study: self.label.clone(), field, message })
        };
        for (field, value) in [
            ("events_treatment", self.events_treatment),
            ("total_treatment", self.total_treatment),
            ("events_control", self.events_control),
            ("total_control", self.total_control),
        ] {
            if value < 0 {
                return fail(field, format!("must not be negative (got {value})"));
            }
        }
        if self.total_treatment == 0 {
            return fail("total_treatment", "must be at least 1".into());
        }
        if self.total_control == 0 {
            return fail("total_control", "must be at least 1".into());
        }
        if self.events_treatment > self.total_treatment {
            return fail(
                "events_treatment",
                format!("{} events exceed the arm total of {}", self.events_treatment, self.total_treatment),
            );
        }
        if self.events_control > self.total_control {
            return fail(
                "events_control",
                format!("{} events exceed the arm total of {}", self.events_control, self.total_control),
            );
        }
        Ok(())
    }

    /// The four cells a, b, c, d in metafor's notation (treatment events, treatment
    /// non-events, control events, control non-events).
    pub fn cells(&self) -> Table {
        Table {
            a: self.events_treatment as f64,
            b: (self.total_treatment - self.events_treatment) as f64,
            c: self.events_control as f64,
            d: (self.total_control - self.events_control) as f64,
        }
    }

    /// No events in either arm, or only events in both arms: the table carries no
    /// information about a ratio.
    pub fn is_double_zero(&self) -> bool {
        let t = self.cells();
        (t.a == 0.0 && t.c == 0.0) || (t.b == 0.0 && t.d == 0.0)
    }

    pub fn has_zero_cell(&self) -> bool {
        let t = self.cells();
        t.a == 0.0 || t.b == 0.0 || t.c == 0.0 || t.d == 0.0
    }
}

/// A 2x2 table in floating point, so continuity corrections can be applied.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Table {
    pub a: f64,
    pub b: f64,
    pub c: f64,
    pub d: f64,
}

impl Table {
    pub fn n1(&self) -> f64 {
        self.a + self.b
    }
    pub fn n2(&self) -> f64 {
        self.c + self.d
    }
    pub fn n(&self) -> f64 {
        self.a + self.b + self.c + self.d
    }
    pub fn plus(&self, add: f64) -> Table {
        Table { a: self.a + add, b: self.b + add, c: self.c + add, d: self.d + add }
    }
}

pub fn validate_all(studies: &[StudyCounts]) -> Result<(), EngineError> {
    studies.iter().try_for_each(StudyCounts::validate)
}
