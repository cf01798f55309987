//! CPU time spent by the server process and by the PostgreSQL backends serving the bench
//! database, read from `/proc/<pid>/stat` (user + system time of every thread) before and
//! after a workload.

use std::{collections::BTreeMap, process::Command, time::Duration};

/// Where to read CPU time from.
pub struct CpuProbe {
    server_pid: u32,
    /// The bench database's URL when it is PostgreSQL (its backends are measured too).
    postgres_url: Option<String>,
    ticks_per_second: f64,
}

/// CPU times at one moment.
pub struct CpuSample {
    server: Duration,
    /// Per PostgreSQL backend pid.
    backends: BTreeMap<u32, Duration>,
}

/// CPU spent during a workload.
#[derive(Debug, Clone, Copy)]
pub struct CpuSpent {
    /// By the server process.
    pub server: Duration,
    /// By the database's PostgreSQL backends (`None` on SQLite, which runs in the server).
    pub postgres: Option<Duration>,
}

impl CpuProbe {
    /// Probing the server `server_pid` and, for a `postgres://` URL, that database's backends.
    pub fn new(server_pid: u32, database_url: &str) -> Self {
        let ticks = Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|out| String::from_utf8_lossy(&out.stdout).trim().parse::<f64>().ok())
            .unwrap_or(100.0);
        let postgres_url = database_url.starts_with("postgres").then(|| database_url.to_owned());
        Self { server_pid, postgres_url, ticks_per_second: ticks }
    }

    /// CPU times now.
    pub fn sample(&self) -> CpuSample {
        let backends =
            self.backend_pids().into_iter().filter_map(|pid| Some((pid, self.cpu_of(pid)?))).collect();
        CpuSample { server: self.cpu_of(self.server_pid).unwrap_or_default(), backends }
    }

    /// CPU spent between `before` and now (backends that ended in between are not counted).
    pub fn since(&self, before: &CpuSample) -> CpuSpent {
        let now = self.sample();
        let postgres = self.postgres_url.as_ref().map(|_| {
            now.backends
                .iter()
                .map(|(pid, cpu)| cpu.saturating_sub(before.backends.get(pid).copied().unwrap_or_default()))
                .sum()
        });
        CpuSpent { server: now.server.saturating_sub(before.server), postgres }
    }

    /// User plus system time of a process: fields 14 and 15 of `/proc/<pid>/stat`, counted
    /// after the command name (which may contain spaces, but ends with the last `)`).
    fn cpu_of(&self, pid: u32) -> Option<Duration> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let fields: Vec<&str> = stat.get(stat.rfind(')')? + 2..)?.split(' ').collect();
        let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        Some(Duration::from_secs_f64(ticks as f64 / self.ticks_per_second))
    }

    /// The pids of the PostgreSQL backends connected to the bench database.
    fn backend_pids(&self) -> Vec<u32> {
        let Some(url) = &self.postgres_url else { return Vec::new() };
        let query =
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
        Command::new("psql")
            .args([url.as_str(), "-tAc", query])
            .output()
            .map(|out| {
                String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| l.trim().parse().ok()).collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn this_process_spends_measurable_cpu() {
        let probe = super::CpuProbe::new(std::process::id(), "sqlite://x");
        let before = probe.sample();
        let start = std::time::Instant::now();
        let mut x = 0u64;
        while start.elapsed() < std::time::Duration::from_millis(100) {
            x = x.wrapping_mul(31).wrapping_add(std::hint::black_box(7));
        }
        std::hint::black_box(x);
        let spent = probe.since(&before);
        assert!(spent.server >= std::time::Duration::from_millis(50), "{spent:?}");
        assert!(spent.postgres.is_none());
    }
}
