//! `MockRegistry`: a loopback Docker Registry HTTP API v2 with an optional
//! Docker-Hub-like anonymous token flow, plus the tiny HTTP/1.1 server
//! ([`http`]) that this mock and [`crate::oidc::MockOidc`] are built on.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use serde_json::json;

use self::http::{Request, Response, Server};

/// Media type of the manifests served by [`MockRegistry`].
pub const MANIFEST_V2: &str = "application/vnd.docker.distribution.manifest.v2+json";

/// A minimal hand-rolled HTTP/1.1 server on loopback (one request per
/// connection, `Connection: close`), shared by the HTTP mocks of this crate.
pub(crate) mod http {
    use std::collections::HashMap;
    use std::future::Future;
    use std::net::SocketAddr;
    use std::sync::Arc;

    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    use tokio::net::{TcpListener, TcpStream};
    use tokio::task::{AbortHandle, JoinSet};

    /// One parsed request.
    #[derive(Debug, Clone)]
    pub(crate) struct Request {
        pub(crate) method: String,
        /// Path without the query string.
        pub(crate) path: String,
        headers: Vec<(String, String)>,
        pub(crate) body: Vec<u8>,
    }

    impl Request {
        /// First header called `name` (case-insensitive).
        pub(crate) fn header(&self, name: &str) -> Option<&str> {
            self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
        }

        /// Decoded `application/x-www-form-urlencoded` body.
        pub(crate) fn form(&self) -> HashMap<String, String> {
            url::form_urlencoded::parse(&self.body).into_owned().collect()
        }
    }

    /// A response; HEAD requests get the headers only.
    #[derive(Debug, Clone)]
    pub(crate) struct Response {
        pub(crate) status: u16,
        pub(crate) headers: Vec<(String, String)>,
        pub(crate) body: Vec<u8>,
    }

    impl Response {
        pub(crate) fn empty(status: u16) -> Self {
            Self { status, headers: Vec::new(), body: Vec::new() }
        }

        pub(crate) fn json(status: u16, value: &serde_json::Value) -> Self {
            Self::empty(status)
                .with_header("Content-Type", "application/json")
                .with_body(value.to_string().into_bytes())
        }

        pub(crate) fn with_header(mut self, name: &str, value: &str) -> Self {
            self.headers.push((name.to_owned(), value.to_owned()));
            self
        }

        pub(crate) fn with_body(mut self, body: Vec<u8>) -> Self {
            self.body = body;
            self
        }
    }

    /// A running server; dropping it closes the listener and all connections.
    #[derive(Debug)]
    pub(crate) struct Server {
        pub(crate) addr: SocketAddr,
        task: AbortHandle,
    }

    impl Drop for Server {
        fn drop(&mut self) {
            self.task.abort();
        }
    }

    /// Bind 127.0.0.1:0 and answer every request with `handler`.
    pub(crate) async fn serve<F, Fut>(handler: F) -> std::io::Result<Server>
    where
        F: Fn(Request) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Response> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let handler = Arc::new(handler);
        let task = tokio::spawn(async move {
            let mut conns = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                while conns.try_join_next().is_some() {}
                let handler = Arc::clone(&handler);
                conns.spawn(async move {
                    // A broken connection only concerns that client.
                    let _ = handle(stream, handler.as_ref()).await;
                });
            }
        });
        Ok(Server { addr, task: task.abort_handle() })
    }

    async fn handle<F, Fut>(stream: TcpStream, handler: &F) -> std::io::Result<()>
    where
        F: Fn(Request) -> Fut,
        Fut: Future<Output = Response>,
    {
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        reader.read_line(&mut line).await?;
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_owned();
        let target = parts.next().unwrap_or_default().to_owned();
        let mut headers = Vec::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).await? == 0 || line.trim_end().is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                headers.push((k.trim().to_owned(), v.trim().to_owned()));
            }
        }
        let path = target.split_once('?').map_or(target.as_str(), |(p, _)| p).to_owned();
        let mut req = Request { method, path, headers, body: Vec::new() };
        let len: usize = req.header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
        req.body = vec![0; len.min(1 << 20)];
        reader.read_exact(&mut req.body).await?;
        let head_only = req.method.eq_ignore_ascii_case("HEAD");
        let resp = handler(req).await;
        let mut out = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
        for (k, v) in &resp.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", resp.body.len()));
        let mut stream = reader.into_inner();
        stream.write_all(out.as_bytes()).await?;
        if !head_only {
            stream.write_all(&resp.body).await?;
        }
        stream.flush().await?;
        stream.shutdown().await
    }

    fn reason(status: u16) -> &'static str {
        match status {
            200 => "OK",
            307 => "Temporary Redirect",
            400 => "Bad Request",
            401 => "Unauthorized",
            404 => "Not Found",
            405 => "Method Not Allowed",
            500 => "Internal Server Error",
            503 => "Service Unavailable",
            _ => "Status",
        }
    }
}

#[derive(Debug, Default)]
struct State {
    images: Mutex<HashSet<(String, String)>>,
    private: Mutex<HashSet<String>>,
    tokens: Mutex<HashSet<String>>,
    require_token: AtomicBool,
    down: AtomicBool,
    manifest_requests: AtomicUsize,
    requests: AtomicUsize,
    redirect: Mutex<Option<String>>,
    realm: Mutex<Option<String>>,
    base_url: OnceLock<String>,
}

/// Path prefix under which the mock serves its API again, without redirecting.
pub const RELOCATED: &str = "/relocated";

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A Docker Registry HTTP API v2 mock on `127.0.0.1:<random port>`.
///
/// Cloning shares the same server; it stops when the last clone is dropped.
#[derive(Debug, Clone)]
pub struct MockRegistry {
    state: Arc<State>,
    server: Arc<Server>,
}

impl MockRegistry {
    /// Start the registry in the background of the current tokio runtime.
    #[expect(clippy::expect_used, reason = "test support: failing to bind loopback is fatal")]
    pub async fn start() -> Self {
        let state = Arc::new(State::default());
        let cloned = Arc::clone(&state);
        let server = http::serve(move |req| {
            let state = Arc::clone(&cloned);
            async move { route(&state, &req) }
        })
        .await
        .expect("bind mock registry");
        let _ = state.base_url.set(format!("http://{}", server.addr));
        Self { state, server: Arc::new(server) }
    }

    /// Base URL, `http://127.0.0.1:<port>` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    /// Make `repository:tag` exist (repository may contain slashes).
    pub fn add_image(&self, repository: &str, tag: &str) {
        lock(&self.state.images).insert((repository.to_owned(), tag.to_owned()));
    }

    /// Make `repository` private: its manifests always answer 401.
    pub fn add_private(&self, repository: &str) {
        lock(&self.state.private).insert(repository.to_owned());
    }

    /// Require an anonymous bearer token from `/token` for manifest requests.
    pub fn require_token(&self, on: bool) {
        self.state.require_token.store(on, Ordering::SeqCst);
    }

    /// When `true`, every request answers 500.
    pub fn set_down(&self, down: bool) {
        self.state.down.store(down, Ordering::SeqCst);
    }

    /// Number of `/v2/<repo>/manifests/<ref>` requests received so far.
    pub fn manifest_requests(&self) -> usize {
        self.state.manifest_requests.load(Ordering::SeqCst)
    }

    /// Number of requests of any kind received so far.
    pub fn requests(&self) -> usize {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// When `Some(base)`, manifest requests answer `307 Location: <base><path>`; requests under
    /// [`RELOCATED`] are served as usual.
    pub fn redirect_manifests_to(&self, base: Option<&str>) {
        *lock(&self.state.redirect) = base.map(str::to_owned);
    }

    /// `<url>/relocated`: a redirect target on this registry itself.
    pub fn relocated_url(&self) -> String {
        format!("{}{RELOCATED}", self.url())
    }

    /// When `Some(url)`, token challenges name `url` as their realm instead of this registry.
    pub fn set_realm(&self, realm: Option<&str>) {
        *lock(&self.state.realm) = realm.map(str::to_owned);
    }
}

fn errors(status: u16, code: &str, message: &str) -> Response {
    Response::json(status, &json!({"errors": [{"code": code, "message": message}]}))
}

fn challenge(state: &State, repo: &str, insufficient: bool) -> Response {
    let base = state.base_url.get().map_or("", String::as_str);
    let realm = lock(&state.realm).clone().unwrap_or_else(|| format!("{base}/token"));
    let mut value =
        format!("Bearer realm=\"{realm}\",service=\"mock-registry\",scope=\"repository:{repo}:pull\"");
    if insufficient {
        value.push_str(",error=\"insufficient_scope\"");
    }
    errors(401, "UNAUTHORIZED", "authentication required").with_header("WWW-Authenticate", &value)
}

fn route(state: &State, req: &Request) -> Response {
    state.requests.fetch_add(1, Ordering::SeqCst);
    let (path, relocated) = match req.path.strip_prefix(RELOCATED) {
        Some(rest) => (rest, true),
        None => (req.path.as_str(), false),
    };
    let manifest = path.strip_prefix("/v2/").and_then(|rest| rest.rsplit_once("/manifests/"));
    if manifest.is_some() {
        state.manifest_requests.fetch_add(1, Ordering::SeqCst);
    }
    if state.down.load(Ordering::SeqCst) {
        return errors(500, "UNKNOWN", "registry is down");
    }
    if let Some(base) = lock(&state.redirect).as_deref().filter(|_| manifest.is_some() && !relocated) {
        return Response::empty(307).with_header("Location", &format!("{base}{path}"));
    }
    if path == "/token" {
        let token = uuid::Uuid::new_v4().simple().to_string();
        lock(&state.tokens).insert(token.clone());
        return Response::json(200, &json!({"token": token, "access_token": token, "expires_in": 300}));
    }
    if path == "/v2/" || path == "/v2" {
        return Response::json(200, &json!({}));
    }
    let Some((repo, reference)) = manifest else {
        return errors(404, "NAME_UNKNOWN", "repository name not known to registry");
    };
    if !matches!(req.method.as_str(), "GET" | "HEAD") {
        return errors(405, "UNSUPPORTED", "The operation is unsupported.");
    }
    let token_ok = req
        .header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| lock(&state.tokens).contains(t.trim()));
    if lock(&state.private).contains(repo) {
        return challenge(state, repo, token_ok);
    }
    if state.require_token.load(Ordering::SeqCst) && !token_ok {
        return challenge(state, repo, false);
    }
    if !lock(&state.images).contains(&(repo.to_owned(), reference.to_owned())) {
        return errors(404, "MANIFEST_UNKNOWN", "manifest unknown");
    }
    let digest = |c: char| format!("sha256:{}", c.to_string().repeat(64));
    let body = json!({
        "schemaVersion": 2,
        "mediaType": MANIFEST_V2,
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": 1024,
            "digest": digest('a'),
        },
        "layers": [{
            "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
            "size": 2048,
            "digest": digest('b'),
        }],
    });
    Response::empty(200)
        .with_header("Content-Type", MANIFEST_V2)
        .with_header("Docker-Distribution-Api-Version", "registry/2.0")
        .with_body(body.to_string().into_bytes())
}

#[cfg(test)]
mod tests;
