//! The server against someone hostile on the network: junk and floods of user JWTs against the
//! JWKS cache, a slow, down, oversized or redirecting identity provider, time claims from the
//! future (`jwks`); half-open connections, stalled bodies, idle connections, the connection
//! cap, shutdown and h2c (`connections`); and the database file's permissions (here).

mod connections;
mod jwks;

use std::time::Duration;

use crate::common::*;

/// Generous bound for anything the server should do "soon": never reached unless broken.
pub const PATIENCE: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------------------------------------
// C12: the database file.

#[cfg(unix)]
#[tokio::test]
async fn c12_the_database_file_and_its_companions_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ansdev.sqlite");
    let h = start_with(|c| {
        c.db = Some(db.clone());
        c.master_key = Some("ab".repeat(32));
    })
    .await;
    // A write, so SQLite has had a reason to create its journal.
    let token = h.user_token(USER).await;
    let r = h
        .request(
            reqwest::Method::POST,
            "/v1/keys",
            Some(&format!("Bearer {token}")),
            Some(r#"{"name": "perm", "scopes": ["video:read"]}"#),
        )
        .await;
    assert_eq!(r.status(), 201);
    let mut checked = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let entry = entry.unwrap();
        let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{:?} is {mode:o}", entry.file_name());
        checked += 1;
    }
    assert!(checked >= 1);
}
