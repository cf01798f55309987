//! JSON filters on result documents (contract §2.13): `<path> <op> <value>`, three tokens split
//! on single spaces, typed from the value text (number, then boolean word, then text).

/// Comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterOp {
    /// `==`
    Eq,
    /// `>`
    Gt,
    /// `<`
    Lt,
    /// `>=`
    Ge,
    /// `<=`
    Le,
}

/// The typed right-hand side.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterValue {
    /// Numeric comparison (the value parsed with Python `float()` rules).
    Number(f64),
    /// Boolean comparison.
    Bool(bool),
    /// Text comparison.
    Text(String),
}

/// One parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonFilter {
    /// Keys (or array indexes) into the document.
    pub path: Vec<String>,
    /// Operator.
    pub op: FilterOp,
    /// Typed value.
    pub value: FilterValue,
}

/// Why a filter was refused; rendered with the contract's two 422 shapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterSyntaxError {
    /// Not exactly three tokens (`errors` form).
    TokenCount {
        /// The filter as sent.
        filter: String,
        /// Python's unpacking message.
        reason: String,
    },
    /// Unknown operator (`message` form).
    UnknownOperator {
        /// The filter as sent.
        filter: String,
        /// The operator token.
        op: String,
    },
}

/// Parses one filter.
///
/// # Errors
/// [`FilterSyntaxError`] for a wrong token count or an unknown operator.
pub fn parse_filter(text: &str) -> Result<JsonFilter, FilterSyntaxError> {
    let tokens: Vec<&str> = text.split(' ').collect();
    let [path, op, value] = tokens.as_slice() else {
        let reason = if tokens.len() < 3 {
            format!("not enough values to unpack (expected 3, got {})", tokens.len())
        } else {
            "too many values to unpack (expected 3)".to_owned()
        };
        return Err(FilterSyntaxError::TokenCount { filter: text.to_owned(), reason });
    };
    let op = match *op {
        "==" => FilterOp::Eq,
        ">" => FilterOp::Gt,
        "<" => FilterOp::Lt,
        ">=" => FilterOp::Ge,
        "<=" => FilterOp::Le,
        other => {
            return Err(FilterSyntaxError::UnknownOperator { filter: text.to_owned(), op: other.to_owned() });
        }
    };
    let value = if let Some(n) = python_float(value) {
        FilterValue::Number(n)
    } else if matches!(*value, "true" | "True" | "TRUE") {
        FilterValue::Bool(true)
    } else if matches!(*value, "false" | "False" | "FALSE") {
        FilterValue::Bool(false)
    } else {
        FilterValue::Text((*value).to_owned())
    };
    Ok(JsonFilter { path: path.split('.').map(str::to_owned).collect(), op, value })
}

/// Python `float()`: decimal or exponent notation with an optional sign, `nan`, `inf`,
/// `infinity` in any case, `_` between digits, surrounding whitespace.
pub fn python_float(text: &str) -> Option<f64> {
    let t = text.trim();
    let bytes = t.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'_' {
            let digit_before = i > 0 && bytes[i - 1].is_ascii_digit();
            let digit_after = bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
            if !(digit_before && digit_after) {
                return None;
            }
        }
    }
    let cleaned = t.replace('_', "");
    let unsigned = cleaned.trim_start_matches(['+', '-']);
    if cleaned.len() - unsigned.len() > 1 {
        return None;
    }
    let lower = unsigned.to_ascii_lowercase();
    if matches!(lower.as_str(), "nan" | "inf" | "infinity") {
        return cleaned.parse().ok();
    }
    let valid = !unsigned.is_empty()
        && unsigned.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if valid { cleaned.parse().ok() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_typed_number_then_boolean_then_text() {
        assert_eq!(parse_filter("a.b == 1e1").unwrap().value, FilterValue::Number(10.0));
        assert_eq!(parse_filter("a == 1_000").unwrap().value, FilterValue::Number(1000.0));
        assert_eq!(parse_filter("a == True").unwrap().value, FilterValue::Bool(true));
        assert_eq!(parse_filter("a == yes").unwrap().value, FilterValue::Text("yes".into()));
        assert!(matches!(parse_filter("a == nan").unwrap().value, FilterValue::Number(n) if n.is_nan()));
        assert_eq!(parse_filter("a == 1__0").unwrap().value, FilterValue::Text("1__0".into()));
    }

    #[test]
    fn token_count_and_operator_errors_use_python_wording() {
        let e = parse_filter("a==1").unwrap_err();
        assert_eq!(
            e,
            FilterSyntaxError::TokenCount {
                filter: "a==1".into(),
                reason: "not enough values to unpack (expected 3, got 1)".into()
            }
        );
        assert!(matches!(parse_filter("a  == 1"), Err(FilterSyntaxError::TokenCount { .. })));
        assert!(matches!(parse_filter("a != 1"), Err(FilterSyntaxError::UnknownOperator { .. })));
        assert_eq!(parse_filter("x.0.y < 3").unwrap().path, vec!["x", "0", "y"]);
    }
}
