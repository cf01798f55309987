//! Writing export rows as CSV records or NDJSON lines. The JSON of each benchmark, site and
//! flavor is written once per export and copied into every line that names it; documents are
//! copied as the compact text the repository read.

use std::{
    borrow::Cow,
    collections::{HashMap, hash_map::Entry},
};

use actix_web::web::Bytes;
use domain::{
    DomainError,
    export::{ExportRow, ExportShape},
};
use serde::Serialize;
use serde_json::value::{RawValue, to_raw_value};
use uuid::Uuid;

use super::columns::{Column, cells, shape_of};
use crate::{
    reply::datetime,
    routes::{
        dto::{BenchmarkOut, FlavorOut, SiteOut},
        tags::TagOut,
    },
};

/// A CSV cell's text as the bytes the writer takes.
struct Cell<'a>(Cow<'a, str>);

impl AsRef<[u8]> for Cell<'_> {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// What an export writes.
pub enum Format {
    /// CSV records of these columns.
    Csv(Vec<Column>),
    /// One `GET /results` item per line.
    Ndjson(Lines),
}

/// The JSON of the catalog entries met so far, by id.
#[derive(Default)]
pub struct Lines {
    benchmarks: HashMap<Uuid, Box<RawValue>>,
    sites: HashMap<Uuid, Box<RawValue>>,
    flavors: HashMap<Uuid, Box<RawValue>>,
}

/// The JSON of `item` as `O`, written on first use.
fn written<'c, T: Clone, O: Serialize + From<T>>(
    cache: &'c mut HashMap<Uuid, Box<RawValue>>,
    id: Uuid,
    item: &T,
) -> Result<&'c RawValue, serde_json::Error> {
    Ok(match cache.entry(id) {
        Entry::Occupied(known) => known.into_mut(),
        Entry::Vacant(new) => new.insert(to_raw_value(&O::from(item.clone()))?),
    })
}

impl Lines {
    fn write(&mut self, row: &ExportRow, out: &mut Vec<u8>) -> Result<(), DomainError> {
        let failed = |e: &dyn std::fmt::Display| DomainError::Internal(format!("encoding an export: {e}"));
        let json = row.json.as_deref().ok_or_else(|| failed(&"a row without its document"))?;
        self.line(row, json, out).map_err(|e| failed(&e))
    }

    /// The `GET /results` item (`ResultOut`) of `row`, its fields in the same order: the
    /// catalog entries as written once, the document (`json`, valid compact JSON) as it is.
    fn line(&mut self, row: &ExportRow, json: &str, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        let benchmark =
            written::<_, BenchmarkOut>(&mut self.benchmarks, row.benchmark.id.uuid(), &*row.benchmark)?;
        out.extend_from_slice(b"{\"benchmark\":");
        out.extend_from_slice(benchmark.get().as_bytes());
        out.extend_from_slice(b",\"execution_datetime\":");
        serde_json::to_writer(&mut *out, &datetime(&row.execution_datetime))?;
        let flavor = written::<_, FlavorOut>(&mut self.flavors, row.flavor.id.uuid(), &*row.flavor)?;
        out.extend_from_slice(b",\"flavor\":");
        out.extend_from_slice(flavor.get().as_bytes());
        out.extend_from_slice(b",\"id\":");
        serde_json::to_writer(&mut *out, &row.id.uuid())?;
        out.extend_from_slice(b",\"json\":");
        out.extend_from_slice(json.as_bytes());
        let site = written::<_, SiteOut>(&mut self.sites, row.site.id.uuid(), &*row.site)?;
        out.extend_from_slice(b",\"site\":");
        out.extend_from_slice(site.get().as_bytes());
        out.extend_from_slice(b",\"tags\":");
        let tags: Vec<TagOut> = row.tags.iter().cloned().map(TagOut::from).collect();
        serde_json::to_writer(&mut *out, &tags)?;
        out.extend_from_slice(b",\"upload_datetime\":");
        serde_json::to_writer(&mut *out, &datetime(&row.upload_datetime))?;
        out.extend_from_slice(b"}\n");
        Ok(())
    }
}

impl Format {
    /// What this format reads of each document.
    pub fn shape(&self) -> ExportShape {
        match self {
            Format::Csv(columns) => shape_of(columns),
            Format::Ndjson(_) => ExportShape { document: true, paths: Vec::new() },
        }
    }

    /// The body of `rows`, one record or line each.
    ///
    /// # Errors
    /// `Internal` if a row cannot be written.
    pub fn encode(&mut self, rows: &[ExportRow]) -> Result<Bytes, DomainError> {
        let failed = |e: &dyn std::fmt::Display| DomainError::Internal(format!("encoding an export: {e}"));
        match self {
            Format::Csv(columns) => {
                let mut out = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 1024));
                for row in rows {
                    out.write_record(cells(columns, row).map(Cell)).map_err(|e| failed(&e))?;
                }
                out.into_inner().map(Bytes::from).map_err(|e| failed(&e))
            }
            Format::Ndjson(lines) => {
                let mut out = Vec::with_capacity(rows.len() * 2048);
                for row in rows {
                    lines.write(row, &mut out)?;
                }
                Ok(Bytes::from(out))
            }
        }
    }
}
