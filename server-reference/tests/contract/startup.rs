//! Start-up through the binary: a failure is one line on stderr and a non-zero exit; a
//! persistent `--dev` server keeps a generated master key beside its database.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the child server when the test ends, pass or fail.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_server-reference"));
    cmd.args(args)
        .env_remove("RUST_LOG")
        .env_remove("ANSDEV_MASTER_KEY")
        .env_remove("ANSDEV_MASTER_KEY_FILE")
        .env_remove("ANSDEV_DB")
        .env_remove("ANSDEV_SEED");
    cmd
}

/// Runs a server that must refuse to start: its exit status and stderr (bounded wait).
fn refused(args: &[&str]) -> (std::process::ExitStatus, String) {
    let child = command(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    server
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status, stderr)
}

/// Starts a server and returns it with its stdout lines up to `count`.
fn started(args: &[&str], count: usize) -> (Server, Vec<String>) {
    let mut child = command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let server = Server(child);
    let mut lines = Vec::new();
    for _ in 0..count {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        lines.push(line.trim_end().to_owned());
    }
    (server, lines)
}

#[test]
fn a_db_without_a_master_key_exits_non_zero_with_one_line_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.sqlite");
    let (status, stderr) = refused(&["--addr", "127.0.0.1:0", "--db", db.to_str().unwrap()]);
    assert!(!status.success());
    let lines: Vec<_> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("server-reference: cannot start: a master key is required with --db"),
        "{stderr}"
    );
    // A port already taken is the same kind of answer.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let (status, stderr) = refused(&["--addr", &addr]);
    assert!(!status.success());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!("cannot listen on {addr}")),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_dev_db_keeps_a_generated_master_key_beside_it_and_restarts_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.sqlite");
    let args = [
        "--dev",
        "--addr",
        "127.0.0.1:0",
        "--db",
        db.to_str().unwrap(),
    ];
    let (first, lines) = started(&args, 2);
    let key = lines[1].strip_prefix("demo api key: ").unwrap().to_owned();
    drop(first);
    let key_file = dir.path().join("app.sqlite.master-key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the key file is {mode:o}");
    }
    let written = std::fs::read_to_string(&key_file).unwrap();

    // The restart reads the same key: the demo video's wrapped AES key still opens.
    let (_second, lines) = started(&args, 1);
    let base = lines[0].strip_prefix("listening on ").unwrap().to_owned();
    assert_eq!(std::fs::read_to_string(&key_file).unwrap(), written);
    let http = crate::common::client();
    let minted: serde_json::Value = http
        .post(format!(
            "{base}/v1/video/{}/playback-token",
            server_reference::demo::ENCRYPTED_VIDEO_ID
        ))
        .header("x-ansdev-key", &key)
        .header("content-length", "0")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = minted["data"]["token"].as_str().unwrap();
    let r = http
        .get(format!(
            "{base}/v1/video/playback/key/{token}/{}",
            server_reference::demo::ENCRYPTED_JOB_ID
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().len(), 16);
}

/// Found by the `server_seed_file` fuzz target: serde_json's message for a value of the wrong
/// type quotes the value, so an API key written into another field of a seed file reached
/// stderr.
#[test]
fn f1_an_api_key_in_the_wrong_field_of_a_seed_file_is_never_echoed() {
    let key = "ak_live_5ec4e7000000000000000000000000aa";
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            serde_json::json!({"apiKeys": [{"id": "k", "userId": "u", "key": key, "name": "n",
                "scopes": ["video:read"], "dailyTokenLimit": key}]}),
            "apiKeys[0].dailyTokenLimit",
        ),
        (
            serde_json::json!({"apiKeys": [{"id": "k", "userId": "u", "key": key, "name": "n",
                "scopes": key}]}),
            "apiKeys[0].scopes",
        ),
        (serde_json::json!({ key: 1 }), "unknown field"),
    ];
    for (i, (seed, names)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("seed{i}.json"));
        std::fs::write(&path, seed.to_string()).unwrap();
        let (status, stderr) = refused(&[
            "--dev",
            "--addr",
            "127.0.0.1:0",
            "--seed",
            path.to_str().unwrap(),
        ]);
        assert!(!status.success());
        assert!(!stderr.contains(&key[8..]), "{stderr}");
        assert!(stderr.contains(names), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}
