//! sdk-native's modules import each other in one direction: client → playback → provider →
//! connection, never back to the client. The mint provider holds the shared connection, so no
//! `Weak` is needed to break a cycle of ownership.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
}

#[test]
fn c4_the_mint_provider_does_not_reach_back_into_the_client() {
    let provider = include_str!("../src/playback/provider.rs");
    let connection = include_str!("../src/connection.rs");
    for back_edge in ["crate::client", "crate::Client", "Weak"] {
        assert!(
            !provider.contains(back_edge),
            "playback/provider.rs names {back_edge}"
        );
    }
    for holder in ["crate::client", "crate::Client", "crate::playback", "Weak"] {
        assert!(
            !connection.contains(holder),
            "connection.rs names {holder}: it must not depend on what holds it"
        );
    }
}

#[test]
fn c4_nothing_in_sdk_native_holds_a_weak_reference() {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 5);
    for (path, text) in files {
        for weak in ["Weak<", "Weak::", "new_cyclic", "::Weak"] {
            assert!(!text.contains(weak), "{path} uses {weak}");
        }
    }
}
