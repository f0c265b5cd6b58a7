//! The catalog is the one list of codes: the README's troubleshooting table and the browser
//! package's `AnsdevErrorCode` union are checked against it row by row, so neither can list a
//! code the SDK never reports nor miss one a user can see.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use sdk_core::ErrorCode;

const README: &str = include_str!("../../README.md");
const ERRORS_D_TS: &str = include_str!("../../sdk-wasm/js/errors.d.ts");

/// The cells of every row of the table under "## Troubleshooting by error code".
fn troubleshooting_rows() -> Vec<Vec<String>> {
    let section = README
        .split("## Troubleshooting by error code")
        .nth(1)
        .expect("README has the troubleshooting section");
    let section = section.split("\n## ").next().unwrap();
    section
        .lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| {
            line.trim_matches('|')
                .split(" | ")
                .map(|cell| cell.trim().to_owned())
                .collect()
        })
        .collect()
}

/// The string literals of `export type NAME = | "A" | "B";` in errors.d.ts.
fn union(name: &str) -> BTreeSet<String> {
    let start = ERRORS_D_TS
        .find(&format!("export type {name} ="))
        .unwrap_or_else(|| panic!("errors.d.ts declares {name}"));
    let body = &ERRORS_D_TS[start..];
    let body = &body[..body.find(';').unwrap()];
    body.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

fn names(codes: &[ErrorCode]) -> BTreeSet<String> {
    codes.iter().map(|c| c.as_str().to_owned()).collect()
}

#[test]
fn c1_the_troubleshooting_table_is_the_catalog() {
    let rows = troubleshooting_rows();
    let mut listed = BTreeSet::new();
    for row in &rows {
        let [code, status, retried, remedy, text] = row.as_slice() else {
            panic!("a troubleshooting row has five cells: {row:?}");
        };
        let code = code.trim_matches('`');
        assert!(listed.insert(code.to_owned()), "{code} is listed twice");
        let known = ErrorCode::EVERY
            .iter()
            .find(|c| c.as_str() == code)
            .unwrap_or_else(|| panic!("README lists {code}, which is not a catalog row"));
        let info = known.info().unwrap();
        let expected_status = known
            .status()
            .map_or("—".to_owned(), |s| s.as_u16().to_string());
        assert_eq!(status, &expected_status, "status of {code}");
        let expected_retried = if info.retryable { "yes" } else { "no" };
        assert_eq!(retried, expected_retried, "retried column of {code}");
        assert_eq!(
            remedy,
            &format!("`{:?}`", info.remedy),
            "remedy of {code} must be the catalog's"
        );
        assert!(!text.is_empty(), "{code} says what to do");
    }
    // Every row a user can see: every code an API sends and every one the SDK reports.
    assert_eq!(listed, names(ErrorCode::EVERY), "README table vs catalog");
}

#[test]
fn c1_the_typescript_code_unions_are_the_catalog() {
    assert_eq!(union("CatalogErrorCode"), names(ErrorCode::ALL));
    assert_eq!(union("ClientErrorCode"), names(ErrorCode::CLIENT));
    assert!(
        ERRORS_D_TS.contains("export type AnsdevErrorCode = CatalogErrorCode | ClientErrorCode;"),
        "AnsdevErrorCode is the two unions"
    );
}
