//! Typed ids: a UUID that knows what it names, so that a site id cannot be passed where a
//! flavor id is expected.
//!
//! One generic [`Id<T>`] serves every kind, tagged by the entity it names (`Id<Site>`), with
//! an alias per kind ([`SiteId`], [`FlavorId`], …). The tag is a zero-sized
//! `PhantomData<fn() -> T>`: the id stays `Copy`, `Send` and `Sync` whatever `T` is, and is
//! a UUID on the wire and in storage (serde-transparent, same `Display` and `FromStr`).
//! Adapters convert at their edge with [`Id::from_uuid`] and [`Id::uuid`].
//!
//! An id whose kind is known only at run time (a submit's `resource_id`, the moderation steps
//! of a transaction) travels as a plain [`Uuid`] next to its [`crate::mail::ItemKind`].
//!
//! A site id where a flavor id is expected does not compile:
//!
//! ```compile_fail
//! use eosc_perf_domain::{FlavorId, SiteId};
//! fn flavor(_: FlavorId) {}
//! flavor(SiteId::new_v4());
//! ```

use std::{cmp::Ordering, fmt, hash::Hash, marker::PhantomData, str::FromStr};

use uuid::Uuid;

use crate::{
    benchmark::Benchmark, claim::Claim, flavor::Flavor, result::BenchmarkResult, site::Site, submit::Submit,
    tag::Tag,
};

/// The id of a `T`.
pub struct Id<T> {
    uuid: Uuid,
    kind: PhantomData<fn() -> T>,
}

/// Id of a [`Site`].
pub type SiteId = Id<Site>;
/// Id of a [`Flavor`].
pub type FlavorId = Id<Flavor>;
/// Id of a [`Benchmark`].
pub type BenchmarkId = Id<Benchmark>;
/// Id of a [`BenchmarkResult`].
pub type ResultId = Id<BenchmarkResult>;
/// Id of a [`Claim`].
pub type ClaimId = Id<Claim>;
/// Id of a [`Tag`].
pub type TagId = Id<Tag>;
/// Id of a [`Submit`].
pub type SubmitId = Id<Submit>;

impl<T> Id<T> {
    /// The id that is this UUID.
    pub const fn from_uuid(uuid: Uuid) -> Self {
        Self { uuid, kind: PhantomData }
    }

    /// A new random (v4) id.
    pub fn new_v4() -> Self {
        Self::from_uuid(Uuid::new_v4())
    }

    /// A new time-ordered id in the version 4 layout the API contract names: the bits of a
    /// v7 UUID (48 bits of Unix milliseconds, a counter, random bits: 74 random bits in all)
    /// with the version nibble 4. Ids made one after the other sort in that order, so rows keyed
    /// by them go to the end of their indexes instead of anywhere in them (a batch's rows then
    /// touch a few index pages, not one page per row).
    pub fn new_time_ordered() -> Self {
        let mut bytes = *Uuid::now_v7().as_bytes();
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        Self::from_uuid(Uuid::from_bytes(bytes))
    }

    /// The UUID it is.
    pub const fn uuid(self) -> Uuid {
        self.uuid
    }

    /// The UUIDs of a list of ids (for adapters).
    pub fn uuids(ids: &[Self]) -> Vec<Uuid> {
        ids.iter().map(|id| id.uuid).collect()
    }
}

impl<T> Clone for Id<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Id<T> {}

/// The nil id (what `Uuid::default` is), for filters built field by field.
impl<T> Default for Id<T> {
    fn default() -> Self {
        Self::from_uuid(Uuid::nil())
    }
}

impl<T> PartialEq for Id<T> {
    fn eq(&self, other: &Self) -> bool {
        self.uuid == other.uuid
    }
}

impl<T> Eq for Id<T> {}

impl<T> PartialOrd for Id<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Id<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.uuid.cmp(&other.uuid)
    }
}

impl<T> Hash for Id<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.uuid.hash(state);
    }
}

impl<T> fmt::Debug for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.uuid, f)
    }
}

impl<T> fmt::Display for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.uuid, f)
    }
}

impl<T> FromStr for Id<T> {
    type Err = uuid::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::from_str(s).map(Self::from_uuid)
    }
}

impl<T> From<Uuid> for Id<T> {
    fn from(uuid: Uuid) -> Self {
        Self::from_uuid(uuid)
    }
}

impl<T> From<Id<T>> for Uuid {
    fn from(id: Id<T>) -> Self {
        id.uuid
    }
}

impl<T> serde::Serialize for Id<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.uuid.serialize(serializer)
    }
}

impl<'de, T> serde::Deserialize<'de> for Id<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Uuid::deserialize(deserializer).map(Self::from_uuid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_its_uuid_on_the_wire() {
        let uuid = Uuid::new_v4();
        let id = SiteId::from_uuid(uuid);
        assert_eq!(id.to_string(), uuid.to_string());
        assert_eq!(serde_json::to_value(id).ok(), serde_json::to_value(uuid).ok());
        let back: Option<SiteId> = serde_json::from_value(serde_json::json!(uuid.to_string())).ok();
        assert_eq!(back, Some(id));
        assert_eq!(uuid.to_string().parse::<SiteId>().ok(), Some(id));
        assert!("not-a-uuid".parse::<FlavorId>().is_err());
    }

    #[test]
    fn time_ordered_ids_sort_in_the_order_they_were_made() {
        let made: Vec<ResultId> = (0..1000).map(|_| ResultId::new_time_ordered()).collect();
        assert!(made.windows(2).all(|w| w[0].uuid() < w[1].uuid()));
        assert!(made.iter().all(|id| id.uuid().get_version_num() == 4));
        assert!(made.iter().all(|id| id.uuid().get_variant() == uuid::Variant::RFC4122));
    }
}
