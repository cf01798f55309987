//! The uncached mix of issue 10: the five list requests of `bench/sql/uncached.sh` (the plain
//! list, a deep page, a numeric JSON filter, a JSON sort, `:search`) in turn, with pages and
//! thresholds picked at random so that answers are rarely shared, while one upload every
//! [`WRITE_INTERVAL`] moves the change counter, as writes do, so that most pages and totals
//! are computed afresh. `bench/sql/mix.py` sends the same requests from Python threads; this
//! client costs less of the machine's CPU, which the server and PostgreSQL share with it.

use std::{sync::Arc, time::Duration};

use crate::{
    documents::pick,
    setup::{Ctx, upload_request},
};

/// How often the writer uploads a result during the mix.
pub const WRITE_INTERVAL: Duration = Duration::from_millis(100);

/// Thresholds of the filter `machine.cpu.count > t` (with `> 16` one result in five matches).
const THRESHOLDS: [u64; 5] = [1, 2, 4, 8, 16];

/// The `n`th request of the mix over a database of `results` visible results.
pub fn request(ctx: &Ctx, n: u64, results: u64) -> reqwest::RequestBuilder {
    let page = 1 + pick(n, 21, 5);
    let path = match n % 5 {
        0 => format!("/results?per_page=100&page={page}"),
        1 => {
            // Between a tenth and nine tenths of the way through the list.
            let pages = (results / 100).max(10);
            format!("/results?per_page=100&page={}", pages / 10 + pick(n, 22, pages * 8 / 10))
        }
        2 => {
            let threshold = THRESHOLDS[pick(n, 23, THRESHOLDS.len() as u64) as usize];
            format!("/results?per_page=100&page={page}&filters=machine.cpu.count%20%3E%20{threshold}")
        }
        3 => format!("/results?per_page=100&page={page}&sort_by=-json.result.score"),
        _ => format!("/results:search?per_page=100&page={page}&terms=c-ray"),
    };
    ctx.http.get(format!("{}{path}", ctx.base))
}

/// Uploads results `first`, `first + 1`, … one every [`WRITE_INTERVAL`] until the task is
/// aborted.
pub fn start_writer(ctx: Arc<Ctx>, first: u64) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(WRITE_INTERVAL);
        for n in first.. {
            tick.tick().await;
            match upload_request(&ctx, n).send().await {
                Ok(r) if r.status().is_success() => {}
                Ok(r) => eprintln!("mix writer: {}", r.status()),
                Err(e) => eprintln!("mix writer: {e}"),
            }
        }
    })
}
