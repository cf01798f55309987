//! Writing export rows as CSV records or NDJSON lines. The JSON of each benchmark, site and
//! flavor is written once per export and copied into every line that names it; documents are
//! copied as the compact text the repository read.

use std::collections::{HashMap, hash_map::Entry};

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
    wire::NaiveUtc,
};

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

/// The `GET /results` item (`ResultOut`), its fields in the same order, its parts written.
#[derive(Serialize)]
struct Line<'a> {
    benchmark: &'a RawValue,
    execution_datetime: NaiveUtc,
    flavor: &'a RawValue,
    id: Uuid,
    json: &'a RawValue,
    site: &'a RawValue,
    tags: Vec<TagOut>,
    upload_datetime: NaiveUtc,
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

    fn line(&mut self, row: &ExportRow, json: &RawValue, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        let line = Line {
            benchmark: written::<_, BenchmarkOut>(
                &mut self.benchmarks,
                row.benchmark.id.uuid(),
                &*row.benchmark,
            )?,
            execution_datetime: datetime(&row.execution_datetime),
            flavor: written::<_, FlavorOut>(&mut self.flavors, row.flavor.id.uuid(), &*row.flavor)?,
            id: row.id.uuid(),
            json,
            site: written::<_, SiteOut>(&mut self.sites, row.site.id.uuid(), &*row.site)?,
            tags: row.tags.iter().cloned().map(TagOut::from).collect(),
            upload_datetime: datetime(&row.upload_datetime),
        };
        serde_json::to_writer(&mut *out, &line)?;
        out.push(b'\n');
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
                let mut out = csv::Writer::from_writer(Vec::new());
                for row in rows {
                    out.write_record(cells(columns, row)).map_err(|e| failed(&e))?;
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
