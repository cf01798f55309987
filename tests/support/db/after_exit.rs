//! Shell scripts that run once this test process has exited, however it ends (normal exit,
//! panic, Ctrl-C, `kill -9`): Rust statics have no destructors, so the work is left to a small
//! `sh` child. Its stdin is a pipe whose writing end only this process holds; the kernel closes
//! it when the process exits, so each script starts by reading its stdin to end of file.

use std::io;
use std::os::unix::process::CommandExt;
use std::process::{ChildStdin, Command, Stdio};

/// Where a script's own output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ScriptOutput {
    /// Nowhere: clean-up work, which must not hold the test runner's output pipes open.
    Discarded,
    /// This process's stderr: notices for the person running the tests.
    Stderr,
}

/// Starts `sh -c script` with `vars` in its environment and returns the writing end of its
/// stdin: keep it for the life of the process (lines written to it reach the script). The
/// script must read its stdin to end of file before acting (`cat >/dev/null`, `wc -l`).
///
/// The child gets its own process group, so a Ctrl-C in the terminal stops the tests but not
/// the clean-up; it also ignores hang-ups.
pub(super) fn spawn(script: &str, vars: &[(&str, &str)], output: ScriptOutput) -> io::Result<ChildStdin> {
    let stderr = match output {
        ScriptOutput::Discarded => Stdio::null(),
        ScriptOutput::Stderr => Stdio::inherit(),
    };
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("trap '' HUP INT\n{script}"))
        .envs(vars.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(stderr)
        .process_group(0)
        .spawn()?;
    // The child is never waited for: it outlives this process by design.
    child.stdin.take().ok_or_else(|| io::Error::other("the script's stdin was not piped"))
}
