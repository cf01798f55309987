//! `GET /results:export` (issue 11): every visible result the filters of `GET /results`
//! select, in its `sort_by` order, as CSV (RFC 4180, a header naming each requested column)
//! or NDJSON (one `GET /results` item per line), streamed: the export runs in a task that
//! hands chunks of results to a bounded channel, and the response body reads them as the
//! client does, so memory stays constant however many rows match.
//!
//! An error before the first chunk (the database is down) is the usual error answer; one
//! after the first bytes were sent can only cut the response short.

use actix_web::{HttpResponse, web::Bytes};
use domain::{
    DomainError,
    export::{ExportRow, ExportShape},
    result::{ResultSink, ResultSort},
};
use paperclip::actix::{api_v2_operation, web};
use tokio::sync::mpsc;

use super::{
    ListResultsQuery,
    columns::{Column, DEFAULT_COLUMNS},
    export_lines::{Format, Lines},
    result_filter,
};
use crate::{
    AppState,
    error::{ApiError, ApiResult, field_error},
    extract::{QueryArgs, QuerySpec},
    params::{Kind, Param},
    reply::Reply,
};

/// `GET /results:export` parameters: those of `GET /results` without pagination, then
/// `format` and `columns`.
pub struct ExportResultsQuery;
impl QuerySpec for ExportResultsQuery {
    const PARAMS: &'static [Param] = &[
        ListResultsQuery::PARAMS[0],
        ListResultsQuery::PARAMS[1],
        ListResultsQuery::PARAMS[4],
        ListResultsQuery::PARAMS[5],
        ListResultsQuery::PARAMS[6],
        ListResultsQuery::PARAMS[7],
        ListResultsQuery::PARAMS[8],
        ListResultsQuery::PARAMS[9],
        ListResultsQuery::PARAMS[10],
        ListResultsQuery::PARAMS[11],
        Param::opt("format", Kind::Str, "`csv` (default) or `ndjson`").with_default("\"csv\""),
        Param::opt(
            "columns",
            Kind::StrList,
            "CSV columns, in order: id, execution_datetime, upload_datetime, benchmark.docker_image, benchmark.docker_tag, site.name, flavor.name, flavor.<spec field> (architecture, disk_gib, gpus.count, gpus.model, memory_gib, price.amount, price.as_of, price.currency, price.per, region, vcpus), tags, json.<path>, json. Default: id, execution_datetime, upload_datetime, benchmark.docker_image, benchmark.docker_tag, site.name, flavor.name, tags, json. Ignored for ndjson.",
        ),
    ];
}

/// Encodes each chunk and passes it on; declines more once the response is gone.
struct ChannelSink {
    shape: ExportShape,
    format: Format,
    tx: mpsc::Sender<Result<Bytes, DomainError>>,
}

#[async_trait::async_trait]
impl ResultSink for ChannelSink {
    fn shape(&self) -> &ExportShape {
        &self.shape
    }

    async fn accept(&mut self, rows: Vec<ExportRow>) -> bool {
        let encoded = self.format.encode(&rows);
        let failed = encoded.is_err();
        self.tx.send(encoded).await.is_ok() && !failed
    }
}

/// (Public) Every result the filters select, as CSV or NDJSON.
#[api_v2_operation(
    operation_id = "ExportResults",
    summary = "(Public) Export results as CSV or NDJSON.",
    description = "Every visible result the filters of `GET /results` select, in its `sort_by` order, streamed as a download (`Content-Disposition: attachment`). `format=csv` (RFC 4180) has a header row naming each requested column exactly as sent; `format=ndjson` writes one `GET /results` item per line.",
    tags(results)
)]
pub async fn export_results(
    state: web::Data<AppState>,
    query: QueryArgs<ExportResultsQuery>,
) -> ApiResult<Reply> {
    let q = query.parse()?;
    let filter = result_filter(&q)?;
    let sort = q.sort::<ResultSort>()?;
    let (format, header, file) = match q.str("format").as_deref().unwrap_or("csv") {
        "csv" => {
            let names = q.strs("columns");
            let names = if names.is_empty() { DEFAULT_COLUMNS.map(str::to_owned).to_vec() } else { names };
            let columns = names.iter().map(|n| Column::parse(n)).collect::<Result<Vec<_>, _>>()?;
            let mut head = csv::Writer::from_writer(Vec::new());
            let head =
                head.write_record(&names).ok().and_then(|()| head.into_inner().ok()).unwrap_or_default();
            (Format::Csv(columns), Bytes::from(head), ("text/csv; charset=utf-8", "results.csv"))
        }
        "ndjson" => {
            (Format::Ndjson(Lines::default()), Bytes::new(), ("application/x-ndjson", "results.ndjson"))
        }
        _ => return Err(field_error("query", "format", "Must be one of: csv, ndjson.")),
    };
    let (tx, mut rx) = mpsc::channel(2);
    let results = state.results.clone();
    actix_web::rt::spawn(async move {
        let mut sink = ChannelSink { shape: format.shape(), format, tx: tx.clone() };
        if let Err(e) = results.export(&filter, &sort, &mut sink).await {
            let _ = tx.send(Err(e)).await;
        }
    });
    let first = match rx.recv().await {
        Some(Err(e)) => return Err(ApiError::Domain(e)),
        Some(Ok(bytes)) => bytes,
        None => Bytes::new(),
    };
    let start = futures_util::stream::iter([Ok::<_, actix_web::Error>(header), Ok(first)]);
    let rest = futures_util::stream::unfold(rx, |mut rx| async move {
        let next = rx.recv().await?;
        let item = next.map_err(|e| {
            tracing::error!(error = %e, "an export failed after its first rows: {e}");
            actix_web::error::ErrorInternalServerError("export failed")
        });
        Some((item, rx))
    });
    let (content_type, file) = file;
    let response = HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{file}\"")))
        .streaming(futures_util::StreamExt::chain(start, rest));
    Ok(Reply::from_response(response))
}
