use std::fmt;

/// Everything the engine can refuse. Input errors name the study and the field,
/// so the UI can point at the offending cell.
#[derive(Debug, Clone, PartialEq)]
pub enum EngineError {
    InvalidInput { study: String, field: &'static str, message: String },
    NoStudies,
    NotEnoughStudies { needed: usize, found: usize, what: &'static str },
    NotConverged { method: &'static str, iterations: usize, tolerance: f64 },
    Unsupported(String),
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::InvalidInput { study, field, message } => {
                write!(f, "study \"{study}\", field {field}: {message}")
            }
            EngineError::NoStudies => write!(f, "no estimable studies to pool"),
            EngineError::NotEnoughStudies { needed, found, what } => {
                write!(f, "{what} needs at least {needed} studies, found {found}")
            }
            EngineError::NotConverged { method, iterations, tolerance } => {
                write!(f, "{method} did not converge within {iterations} iterations (tolerance {tolerance:e})")
            }
            EngineError::Unsupported(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for EngineError {}
