//! The binary's start-up interface (docs/api.md §13): flags and env vars, the exact first stdout
//! line, the demo lines, and no key in the logs.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

use crate::common::*;

/// Kills the child server when the test ends, pass or fail.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(args: &[&str], envs: &[(&str, &str)]) -> (Server, Vec<String>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_server-reference"));
    cmd.args(args)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let mut reader = BufReader::new(stdout);
    let mut lines = Vec::new();
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    lines.push(line.trim_end().to_owned());
    // The demo prints two more lines; a seeded or restarted server prints none.
    if args.contains(&"--seed")
        || envs.iter().any(|(k, _)| *k == "ANSDEV_SEED")
        || args.contains(&"--db")
    {
        return (server, lines);
    }
    for _ in 0..2 {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        lines.push(line.trim_end().to_owned());
    }
    (server, lines)
}

fn base_of(first_line: &str) -> String {
    let base = first_line.strip_prefix("listening on ").unwrap().to_owned();
    let port: u16 = base
        .strip_prefix("http://127.0.0.1:")
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(port, 0);
    base
}

#[tokio::test]
async fn the_first_line_is_the_address_then_the_demo_key_and_a_player_url() {
    let (mut server, lines) = spawn(&["--addr", "127.0.0.1:0"], &[]);
    let base = base_of(&lines[0]);
    let key = lines[1].strip_prefix("demo api key: ").unwrap().to_owned();
    assert!(sdk_core::ApiKey::new(key.clone()).is_ok());
    let player = lines[2].strip_prefix("demo player: ").unwrap();
    assert!(player.starts_with(&format!("{base}/player/vid_demo_encrypted?token=")));

    let http = client();
    let r = http
        .get(format!("{base}/v1/video"))
        .header("x-ansdev-key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let page: serde_json::Value = r.json().await.unwrap();
    assert_eq!(page["data"]["total"], 3);
    // No dev routes without --dev.
    let r = http
        .post(format!("{base}/dev/clock"))
        .json(&serde_json::json!({"advanceSeconds": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    let _ = server.0.kill();
    let mut logs = String::new();
    server
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    assert!(logs.contains("request"), "{logs}");
    assert!(!logs.contains(&key), "the key must never be logged");
    assert!(!logs.contains("eyJ"), "no token may be logged");
}

#[tokio::test]
async fn every_flag_is_also_an_environment_variable() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(&seed, seed_json().to_string()).unwrap();
    let db = dir.path().join("db.sqlite");
    let master = "ab".repeat(32);
    let envs = [
        ("ANSDEV_ADDR", "127.0.0.1:0"),
        ("ANSDEV_SEED", seed.to_str().unwrap()),
        ("ANSDEV_DB", db.to_str().unwrap()),
        ("ANSDEV_MASTER_KEY", master.as_str()),
        ("ANSDEV_PUBLIC_BASE", "https://media.example"),
        ("ANSDEV_DEV", "true"),
        ("ANSDEV_TOKEN_TTL_SECONDS", "7"),
    ];
    let (server, lines) = spawn(&[], &envs);
    let base = base_of(&lines[0]);
    let http = client();
    let r = http
        .post(format!("{base}/v1/video/{ENC}/playback-token"))
        .header("x-ansdev-key", KEY)
        .header("content-length", "0")
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["data"]["expiresIn"], 7);
    assert!(
        body["data"]["playerUrl"]
            .as_str()
            .unwrap()
            .starts_with("https://media.example/player/vid_enc?token=")
    );
    drop(server);

    // Restarted on the same file: same data, nothing seeded, nothing but the address printed.
    let (_server, lines) = spawn(
        &[
            "--addr",
            "127.0.0.1:0",
            "--db",
            db.to_str().unwrap(),
            "--master-key",
            &master,
        ],
        &[],
    );
    let base = base_of(&lines[0]);
    let r = http
        .get(format!("{base}/v1/video/{ENC}"))
        .header("x-ansdev-key", KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

/// Runs the binary, which is expected to refuse to start: returns its exit status and stderr.
/// A binary still running after 20 s has started instead; it is killed and the test fails.
fn refused(args: &[&str], envs: &[(&str, &str)]) -> (std::process::ExitStatus, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_server-reference"));
    cmd.args(args)
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut server = Server(cmd.spawn().unwrap());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{args:?} started instead of refusing"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
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

fn stderr_of(mut server: Server) -> String {
    let _ = server.0.kill();
    let mut logs = String::new();
    server
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    logs
}

#[cfg(unix)]
#[tokio::test]
async fn c12_a_master_key_file_works_and_a_key_on_the_command_line_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite");
    let master = "cd".repeat(32);
    let key_file = dir.path().join("master.key");
    std::fs::write(&key_file, format!("{master}\n")).unwrap();
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(&seed, seed_json().to_string()).unwrap();
    let db_arg = db.to_str().unwrap();

    // The recommended way: a file. No warning.
    let (server, lines) = spawn(
        &[
            "--addr",
            "127.0.0.1:0",
            "--db",
            db_arg,
            "--seed",
            seed.to_str().unwrap(),
            "--master-key-file",
            key_file.to_str().unwrap(),
        ],
        &[],
    );
    let base = base_of(&lines[0]);
    let r = client()
        .get(format!("{base}/v1/video/{ENC}"))
        .header("x-ansdev-key", KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let logs = stderr_of(server);
    assert!(!logs.contains("visible to every local user"), "{logs}");
    assert!(!logs.contains(&master), "{logs}");
    let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the database file is {mode:o}");

    // The same key from the environment: no warning either, and the wrapped keys still open.
    let (server, lines) = spawn(
        &["--addr", "127.0.0.1:0", "--db", db_arg],
        &[("ANSDEV_MASTER_KEY", master.as_str())],
    );
    let base = base_of(&lines[0]);
    let r = client()
        .get(format!("{base}/v1/video/{ENC}"))
        .header("x-ansdev-key", KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(!stderr_of(server).contains("visible to every local user"));

    // On the command line it still works, with a warning on stderr that does not repeat it.
    let (server, lines) = spawn(
        &[
            "--addr",
            "127.0.0.1:0",
            "--db",
            db_arg,
            "--master-key",
            &master,
        ],
        &[],
    );
    base_of(&lines[0]);
    let logs = stderr_of(server);
    assert!(logs.contains("visible to every local user"), "{logs}");
    assert!(!logs.contains(&master), "{logs}");
}

#[tokio::test]
async fn c12_a_bad_master_key_file_is_a_clear_error_that_does_not_echo_it() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("master.key");
    let almost = "9f".repeat(31);
    std::fs::write(&key_file, format!("{almost}\n")).unwrap();
    let (status, stderr) = refused(
        &[
            "--addr",
            "127.0.0.1:0",
            "--master-key-file",
            key_file.to_str().unwrap(),
        ],
        &[],
    );
    assert!(!status.success());
    assert!(stderr.contains("expected 64 hex characters"), "{stderr}");
    assert!(stderr.contains("master.key"), "{stderr}");
    assert!(
        !stderr.contains("9f9f"),
        "the file's content leaked: {stderr}"
    );
    // Both sources at once are refused by the flag parser.
    let (status, stderr) = refused(
        &[
            "--master-key-file",
            key_file.to_str().unwrap(),
            "--master-key",
            &"ab".repeat(32),
        ],
        &[],
    );
    assert!(!status.success());
    assert!(stderr.contains("cannot be used with"), "{stderr}");
}

#[tokio::test]
async fn s3_dev_on_a_public_address_refuses_to_start_unless_explicitly_allowed() {
    let (status, stderr) = refused(&["--dev", "--addr", "0.0.0.0:0"], &[]);
    assert!(!status.success());
    assert!(
        stderr.contains("would let anyone who reaches it mint user JWTs"),
        "{stderr}"
    );
    assert!(stderr.contains("add --dev-allow-remote"), "{stderr}");

    let (server, lines) = spawn(&["--dev", "--dev-allow-remote", "--addr", "0.0.0.0:0"], &[]);
    assert!(
        lines[0].starts_with("listening on http://0.0.0.0:"),
        "{lines:?}"
    );
    let logs = stderr_of(server);
    assert!(logs.contains("reachable from other hosts"), "{logs}");
}

#[tokio::test]
async fn c11_a_token_ttl_outside_one_second_to_a_day_refuses_to_start() {
    for bad in ["0", "86401", "99999999999999999999"] {
        let (status, stderr) = refused(&["--dev", "--token-ttl-seconds", bad], &[]);
        assert!(!status.success(), "{bad} accepted");
        assert!(stderr.contains("--token-ttl-seconds"), "{stderr}");
    }
}
