//! Typed flavor specs: what a flavor offers (vCPUs, memory, GPUs, architecture, disk, region)
//! and what it costs per hour. Every field is optional; a flavor without any is a flavor as
//! the original service knew it.
//!
//! Each value type has one validated constructor, so a [`FlavorSpec`] always holds sensible
//! values: counts are at least 1, sizes are finite and above 0, prices finite and not negative,
//! currencies ISO 4217 codes (three uppercase letters), labels non-blank and short.
//!
//! Updates are [`FlavorSpecPatch`]es: each field is kept, cleared or set ([`Change`]).

use chrono::NaiveDate;

/// The largest count (vCPUs, GPUs): what a 32-bit signed column holds.
pub const MAX_COUNT: u32 = 2_147_483_647;

/// The longest label (architecture, region, GPU model), in characters.
pub const MAX_LABEL_CHARS: usize = 100;

/// Why a spec value was refused; the text is the message the API answers with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    /// A count below 1 or above [`MAX_COUNT`].
    #[error("Must be greater than or equal to 1 and less than or equal to 2147483647.")]
    CountOutOfRange,
    /// A size that is not a finite number above 0.
    #[error("Must be greater than 0.")]
    NotPositive,
    /// An amount that is not a finite number of at least 0.
    #[error("Must be greater than or equal to 0.")]
    Negative,
    /// A blank label.
    #[error("Must not be blank.")]
    Blank,
    /// A label longer than [`MAX_LABEL_CHARS`].
    #[error("Longer than maximum length 100.")]
    TooLong,
    /// A label holding a NUL or other control character.
    #[error("Must not contain control characters.")]
    ControlCharacter,
    /// Not three uppercase ASCII letters.
    #[error("Not a valid ISO 4217 currency code (three uppercase letters).")]
    Currency,
    /// A price period other than `hour`.
    #[error("Must be one of: hour.")]
    Period,
}

/// A count of at least 1 (vCPUs, GPUs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Count(u32);

impl Count {
    /// A count from 1 to [`MAX_COUNT`].
    ///
    /// # Errors
    /// [`SpecError::CountOutOfRange`] outside.
    pub fn new(value: i64) -> Result<Self, SpecError> {
        match u32::try_from(value) {
            Ok(n) if (1..=MAX_COUNT).contains(&n) => Ok(Self(n)),
            _ => Err(SpecError::CountOutOfRange),
        }
    }

    /// The number.
    pub fn get(self) -> u32 {
        self.0
    }
}

/// A size in GiB: finite and above 0.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Gib(f64);

/// Never NaN (the constructor refuses it), so equality is reflexive.
impl Eq for Gib {}

impl Gib {
    /// A size above 0.
    ///
    /// # Errors
    /// [`SpecError::NotPositive`] for 0, negatives, infinities and NaN.
    pub fn new(value: f64) -> Result<Self, SpecError> {
        if value.is_finite() && value > 0.0 { Ok(Self(value)) } else { Err(SpecError::NotPositive) }
    }

    /// The number of GiB.
    pub fn get(self) -> f64 {
        self.0
    }
}

/// A price amount: finite and at least 0.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Amount(f64);

/// Never NaN (the constructor refuses it), so equality is reflexive.
impl Eq for Amount {}

impl Amount {
    /// An amount of at least 0 (`-0` counts as 0).
    ///
    /// # Errors
    /// [`SpecError::Negative`] for negatives, infinities and NaN.
    pub fn new(value: f64) -> Result<Self, SpecError> {
        if value.is_finite() && value >= 0.0 { Ok(Self(value + 0.0)) } else { Err(SpecError::Negative) }
    }

    /// The amount.
    pub fn get(self) -> f64 {
        self.0
    }
}

/// A short free-text label (architecture such as `x86_64`, region, GPU model).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Label(String);

impl Label {
    /// A label: not blank, at most [`MAX_LABEL_CHARS`] characters, no control characters.
    /// Kept as sent (not trimmed).
    ///
    /// # Errors
    /// [`SpecError::Blank`], [`SpecError::TooLong`] or [`SpecError::ControlCharacter`].
    pub fn new(value: &str) -> Result<Self, SpecError> {
        if value.trim().is_empty() {
            Err(SpecError::Blank)
        } else if value.chars().count() > MAX_LABEL_CHARS {
            Err(SpecError::TooLong)
        } else if value.chars().any(char::is_control) {
            Err(SpecError::ControlCharacter)
        } else {
            Ok(Self(value.to_owned()))
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An ISO 4217 currency code: three uppercase ASCII letters (`EUR`, `USD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    /// A currency code. The shape is checked, not membership in the current ISO list, which
    /// changes over time.
    ///
    /// # Errors
    /// [`SpecError::Currency`] unless three uppercase ASCII letters.
    pub fn new(code: &str) -> Result<Self, SpecError> {
        match <[u8; 3]>::try_from(code.as_bytes()) {
            Ok(bytes) if bytes.iter().all(u8::is_ascii_uppercase) => Ok(Self(bytes)),
            _ => Err(SpecError::Currency),
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        // Three ASCII letters are always UTF-8.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }
}

/// What a price is per. Only hours today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PricePeriod {
    /// Per hour of use.
    #[default]
    Hour,
}

impl PricePeriod {
    /// The period named `name` (`hour`).
    ///
    /// # Errors
    /// [`SpecError::Period`] for any other name.
    pub fn new(name: &str) -> Result<Self, SpecError> {
        match name {
            "hour" => Ok(Self::Hour),
            _ => Err(SpecError::Period),
        }
    }

    /// Its name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hour => "hour",
        }
    }
}

/// The GPUs of a flavor: a model and how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gpus {
    /// The model, for example `NVIDIA A100 40GB`.
    pub model: Label,
    /// How many (at least 1).
    pub count: Count,
}

/// What a flavor costs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Price {
    /// The amount per [`Price::per`].
    pub amount: Amount,
    /// The currency.
    pub currency: Currency,
    /// The period the amount is for.
    pub per: PricePeriod,
    /// The day the price was valid on.
    pub as_of: NaiveDate,
}

impl Price {
    /// The amount per hour.
    pub fn hourly(&self) -> f64 {
        match self.per {
            PricePeriod::Hour => self.amount.get(),
        }
    }
}

/// The typed spec of a flavor; every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlavorSpec {
    /// Virtual CPUs.
    pub vcpus: Option<Count>,
    /// Memory in GiB.
    pub memory_gib: Option<Gib>,
    /// GPUs.
    pub gpus: Option<Gpus>,
    /// CPU architecture, for example `x86_64` or `aarch64`.
    pub architecture: Option<Label>,
    /// Disk in GiB.
    pub disk_gib: Option<Gib>,
    /// Region of the site the flavor runs in.
    pub region: Option<Label>,
    /// Price.
    pub price: Option<Price>,
}

impl FlavorSpec {
    /// Whether no field is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// What an update does to one optional field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Change<T> {
    /// Leave it as it is (the field was absent).
    #[default]
    Keep,
    /// Remove it (the field was `null`).
    Clear,
    /// Set it.
    Set(T),
}

impl<T> Change<T> {
    /// The value after the change of `current`.
    pub fn applied_to(self, current: Option<T>) -> Option<T> {
        match self {
            Self::Keep => current,
            Self::Clear => None,
            Self::Set(value) => Some(value),
        }
    }
}

/// Changes to a flavor spec: absent fields keep their value, cleared ones are removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlavorSpecPatch {
    /// `vcpus`
    pub vcpus: Change<Count>,
    /// `memory_gib`
    pub memory_gib: Change<Gib>,
    /// `gpus`
    pub gpus: Change<Gpus>,
    /// `architecture`
    pub architecture: Change<Label>,
    /// `disk_gib`
    pub disk_gib: Change<Gib>,
    /// `region`
    pub region: Change<Label>,
    /// `price`
    pub price: Change<Price>,
}

impl FlavorSpecPatch {
    /// The patch that sets every field of `spec` (and clears none).
    pub fn setting(spec: FlavorSpec) -> Self {
        fn set<T>(value: Option<T>) -> Change<T> {
            value.map_or(Change::Keep, Change::Set)
        }
        Self {
            vcpus: set(spec.vcpus),
            memory_gib: set(spec.memory_gib),
            gpus: set(spec.gpus),
            architecture: set(spec.architecture),
            disk_gib: set(spec.disk_gib),
            region: set(spec.region),
            price: set(spec.price),
        }
    }

    /// `spec` after these changes.
    pub fn applied_to(self, spec: FlavorSpec) -> FlavorSpec {
        FlavorSpec {
            vcpus: self.vcpus.applied_to(spec.vcpus),
            memory_gib: self.memory_gib.applied_to(spec.memory_gib),
            gpus: self.gpus.applied_to(spec.gpus),
            architecture: self.architecture.applied_to(spec.architecture),
            disk_gib: self.disk_gib.applied_to(spec.disk_gib),
            region: self.region.applied_to(spec.region),
            price: self.price.applied_to(spec.price),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_start_at_one() {
        assert_eq!(Count::new(0), Err(SpecError::CountOutOfRange));
        assert_eq!(Count::new(-3), Err(SpecError::CountOutOfRange));
        assert_eq!(Count::new(i64::from(MAX_COUNT) + 1), Err(SpecError::CountOutOfRange));
        assert_eq!(Count::new(8).map(Count::get), Ok(8));
        assert_eq!(Count::new(MAX_COUNT.into()).map(Count::get), Ok(MAX_COUNT));
    }

    #[test]
    fn sizes_are_finite_and_positive() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(Gib::new(bad), Err(SpecError::NotPositive), "{bad}");
        }
        assert_eq!(Gib::new(0.5).map(Gib::get), Ok(0.5));
    }

    #[test]
    fn amounts_may_be_zero_but_not_negative() {
        assert_eq!(Amount::new(0.0).map(Amount::get), Ok(0.0));
        assert!(Amount::new(-0.0).is_ok_and(|a| a.get().is_sign_positive()));
        for bad in [-0.01, f64::NAN, f64::NEG_INFINITY] {
            assert_eq!(Amount::new(bad), Err(SpecError::Negative), "{bad}");
        }
    }

    #[test]
    fn currencies_are_three_uppercase_letters() {
        assert_eq!(Currency::new("EUR").map(|c| c.as_str().to_owned()), Ok("EUR".into()));
        for bad in ["eur", "EU", "EURO", "E1R", "", "ÄUR"] {
            assert_eq!(Currency::new(bad), Err(SpecError::Currency), "{bad}");
        }
    }

    #[test]
    fn labels_are_short_and_not_blank() {
        assert_eq!(Label::new("  "), Err(SpecError::Blank));
        assert_eq!(Label::new(&"x".repeat(101)), Err(SpecError::TooLong));
        assert_eq!(Label::new("x86\0"), Err(SpecError::ControlCharacter));
        assert_eq!(Label::new("aarch64").map(|l| l.as_str().to_owned()), Ok("aarch64".into()));
    }

    #[test]
    fn only_hourly_prices() {
        assert_eq!(PricePeriod::new("hour"), Ok(PricePeriod::Hour));
        assert_eq!(PricePeriod::new("month"), Err(SpecError::Period));
    }

    #[test]
    fn patches_keep_absent_fields_and_clear_null_ones() {
        let vcpus = Count::new(4).unwrap();
        let region = Label::new("eu-west").unwrap();
        let spec = FlavorSpec { vcpus: Some(vcpus), region: Some(region.clone()), ..FlavorSpec::default() };
        let patch = FlavorSpecPatch {
            vcpus: Change::Clear,
            memory_gib: Change::Set(Gib::new(16.0).unwrap()),
            ..FlavorSpecPatch::default()
        };
        let after = patch.applied_to(spec.clone());
        assert_eq!(after.vcpus, None);
        assert_eq!(after.region, Some(region));
        assert_eq!(after.memory_gib.map(Gib::get), Some(16.0));
        assert_eq!(FlavorSpecPatch::setting(spec.clone()).applied_to(FlavorSpec::default()), spec);
        assert!(FlavorSpecPatch::default().applied_to(FlavorSpec::default()).is_empty());
    }
}
