//! A throw-away local cluster: `initdb` into the shared directory, then `pg_ctl start` on a free
//! port of 127.0.0.1 (no Unix socket), password authentication with a generated password, and
//! durability off (test data). As root, initdb refuses to run, so the cluster then belongs to
//! the `postgres` user (else `nobody`) and its commands go through `runuser`.

use std::ffi::OsStr;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use super::server::Started;

/// Names the directory holding `initdb` and `pg_ctl`, instead of looking for them (a directory
/// without them, such as `/nonexistent`, leaves no local cluster to start).
pub(super) const BIN_DIR_VAR: &str = "EOSC_PERF_TEST_PG_BIN";

/// Appended to the new cluster's `postgresql.conf`.
const SETTINGS: &str = "
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
";

/// Tries on other ports when the chosen one was taken before the server bound it.
const PORT_ATTEMPTS: usize = 3;

/// A directory with PostgreSQL's `initdb` and `pg_ctl`.
pub(super) struct Binaries {
    dir: PathBuf,
}

impl Binaries {
    /// The directory.
    pub(super) fn dir(&self) -> &Path {
        &self.dir
    }
}

/// `$EOSC_PERF_TEST_PG_BIN` when set; else the newest `/usr/lib/postgresql/<version>/bin`
/// (Debian, Ubuntu), else the first directory on `PATH` holding both tools.
pub(super) fn find_binaries() -> Option<Binaries> {
    let has_tools = |dir: &Path| ["initdb", "pg_ctl"].iter().all(|tool| dir.join(tool).is_file());
    if let Some(dir) = std::env::var_os(BIN_DIR_VAR) {
        let dir = PathBuf::from(dir);
        return has_tools(&dir).then_some(Binaries { dir });
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| Some((entry.file_name().to_str()?.parse().ok()?, entry.path().join("bin"))))
        .collect();
    versions.sort_by_key(|(version, _)| std::cmp::Reverse(*version));
    let path = std::env::var_os("PATH").unwrap_or_default();
    versions
        .into_iter()
        .map(|(_, dir)| dir)
        .chain(std::env::split_paths(&path))
        .find(|dir| has_tools(dir))
        .map(|dir| Binaries { dir })
}

/// This process's effective user id.
pub(super) fn effective_uid() -> Result<u32, String> {
    static UID: OnceLock<Result<u32, String>> = OnceLock::new();
    UID.get_or_init(|| account_id("-u", None).ok_or_else(|| "`id -u` failed".to_owned())).clone()
}

/// `id <flag> [name]` as a number.
fn account_id(flag: &str, name: Option<&str>) -> Option<u32> {
    let output = Command::new("id").arg(flag).args(name).output().ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8_lossy(&output.stdout).trim().parse().ok()
}

/// The account a cluster started by root runs as.
pub(super) struct Account {
    name: &'static str,
    uid: u32,
    gid: u32,
}

/// `None` when the cluster runs as this process's user.
pub(super) fn cluster_account() -> Result<Option<Account>, String> {
    if effective_uid()? != 0 {
        return Ok(None);
    }
    ["postgres", "nobody"]
        .into_iter()
        .find_map(|name| {
            Some(Account { name, uid: account_id("-u", Some(name))?, gid: account_id("-g", Some(name))? })
        })
        .map(Some)
        .ok_or_else(|| "running as root, and no postgres or nobody user exists to own the cluster".to_owned())
}

/// `program args…`, through `runuser -u <account> --` when the cluster has its own account.
pub(super) fn command_line(account: Option<&Account>, program: &Path, args: &[&OsStr]) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    if let Some(account) = account {
        words.extend(["runuser", "-u", account.name, "--"].map(str::to_owned));
    }
    words.push(program.to_string_lossy().into_owned());
    words.extend(args.iter().map(|arg| arg.to_string_lossy().into_owned()));
    words
}

/// Runs a command line; its stderr (or stdout) is the error.
pub(super) fn run(words: &[String]) -> Result<String, String> {
    let (program, args) = words.split_first().ok_or("empty command")?;
    let output = Command::new(program).args(args).output().map_err(|e| format!("{program}: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    if output.status.success() {
        return Ok(stdout);
    }
    let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
    Err(format!(
        "`{}` failed ({}): {}",
        words.join(" "),
        output.status,
        if stderr.is_empty() { stdout } else { stderr }
    ))
}

/// Makes `path` belong to the cluster's account.
pub(super) fn hand_over(path: &Path, account: Option<&Account>) -> Result<(), String> {
    match account {
        Some(account) => std::os::unix::fs::chown(path, Some(account.uid), Some(account.gid))
            .map_err(|e| format!("cannot hand {} to {}: {e}", path.display(), account.name)),
        None => Ok(()),
    }
}

/// A port of 127.0.0.1 that was free a moment ago.
fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    listener.local_addr().map(|address| address.port()).map_err(|e| e.to_string())
}

/// Creates and starts a cluster in `dir/data`. Blocking (about two seconds, mostly initdb).
pub(super) fn start(binaries: &Binaries, dir: &Path) -> Result<Started, String> {
    let (account, password) = create(binaries, dir, "")?;
    launch(binaries, account.as_ref(), &dir.join("data"), &password)
}

/// Creates a cluster in `dir/data` with the superuser `postgres` and a generated password,
/// the test settings and `extra` appended to its `postgresql.conf`; returns the account it
/// belongs to and the password.
pub(super) fn create(
    binaries: &Binaries,
    dir: &Path,
    extra: &str,
) -> Result<(Option<Account>, String), String> {
    let account = cluster_account()?;
    let data = dir.join("data");
    fs::DirBuilder::new()
        .mode(0o700)
        .create(&data)
        .map_err(|e| format!("cannot create {}: {e}", data.display()))?;
    hand_over(&data, account.as_ref())?;
    let password = uuid::Uuid::new_v4().simple().to_string();
    initdb(binaries, account.as_ref(), dir, &password)?;
    append(&data.join("postgresql.conf"), &format!("{SETTINGS}{extra}"))?;
    Ok((account, password))
}

/// Appends `text` to the file at `path`.
pub(super) fn append(path: &Path, text: &str) -> Result<(), String> {
    OpenOptions::new()
        .append(true)
        .open(path)
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .map_err(|e| format!("cannot configure {}: {e}", path.display()))
}

/// Starts the cluster in `data` on a free port of 127.0.0.1.
pub(super) fn launch(
    binaries: &Binaries,
    account: Option<&Account>,
    data: &Path,
    password: &str,
) -> Result<Started, String> {
    let pg_ctl = binaries.dir.join("pg_ctl");
    let version = run(&command_line(account, &pg_ctl, &[os("--version")])).unwrap_or_default();
    let log = data.join("server.log");
    for _ in 0..PORT_ATTEMPTS {
        let port = free_port()?;
        let logged_before = fs::metadata(&log).map(|meta| meta.len()).unwrap_or(0);
        let port_option = format!("-p {port}");
        let start = [os("-D"), data.as_os_str(), os("-l"), log.as_os_str()].into_iter().chain([
            os("-o"),
            os(&port_option),
            os("-w"),
            os("-t"),
            os("60"),
            os("start"),
        ]);
        let Err(error) = run(&command_line(account, &pg_ctl, &start.collect::<Vec<_>>())) else {
            let stop = [os("-D"), data.as_os_str(), os("-m"), os("immediate"), os("stop")];
            let stop = command_line(account, &pg_ctl, &stop);
            return Ok(Started {
                admin_url: format!("postgres://postgres:{password}@127.0.0.1:{port}/postgres"),
                about: format!("local cluster at 127.0.0.1:{port} ({version}, {})", binaries.dir.display()),
                stop_command: shlex::try_join(stop.iter().map(String::as_str)).map_err(|e| e.to_string())?,
            });
        };
        let logged = fs::read(&log).unwrap_or_default();
        let skip = usize::try_from(logged_before).unwrap_or(0);
        let new = String::from_utf8_lossy(logged.get(skip..).unwrap_or_default()).into_owned();
        if !new.contains("Address already in use") {
            return Err(format!("{error}; server log: {}", new.trim()));
        }
    }
    Err(format!("no free port after {PORT_ATTEMPTS} attempts"))
}

/// `initdb` with the superuser `postgres` and `password`, handed over in a file that only the
/// cluster's account can read and that is removed right after.
fn initdb(binaries: &Binaries, account: Option<&Account>, dir: &Path, password: &str) -> Result<(), String> {
    let password_file = dir.join("initdb.password");
    let written = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&password_file)
        .and_then(|mut file| file.write_all(password.as_bytes()));
    written.map_err(|e| format!("cannot write {}: {e}", password_file.display()))?;
    let data = dir.join("data");
    let args = [os("-D"), data.as_os_str(), os("-U"), os("postgres"), os("--auth=scram-sha-256")]
        .into_iter()
        .chain([os("--pwfile"), password_file.as_os_str(), os("--no-sync"), os("--no-locale")])
        .chain([os("-E"), os("UTF8")])
        .collect::<Vec<_>>();
    let initialised = hand_over(&password_file, account)
        .and_then(|()| run(&command_line(account, &binaries.dir.join("initdb"), &args)));
    let _ = fs::remove_file(&password_file);
    initialised.map(|_| ())
}

pub(super) fn os(text: &str) -> &OsStr {
    OsStr::new(text)
}
