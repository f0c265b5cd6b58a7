//! `Client::from_env`: the key and base URL from the environment, errors that name the variable
//! and never its value. One test in its own binary: it changes the process environment.
#![allow(unsafe_code)]

use sdk_native::{API_KEY_ENV, BASE_URL_ENV, Client};

fn set(name: &str, value: Option<&str>) {
    // SAFETY: this binary has one test and it starts no threads before reading the variables.
    unsafe {
        match value {
            Some(value) => std::env::set_var(name, value),
            None => std::env::remove_var(name),
        }
    }
}

#[test]
fn from_env_reads_the_key_and_base_url_and_never_echoes_them() {
    set(API_KEY_ENV, None);
    set(BASE_URL_ENV, None);
    let err = Client::from_env().unwrap_err().to_string();
    assert!(
        err.contains("ANSDEV_API_KEY") && err.contains("not set"),
        "{err}"
    );

    set(
        API_KEY_ENV,
        Some("ak_live_NOT-A-REAL-KEY-0123456789abcdef0"),
    );
    let err = Client::from_env().unwrap_err().to_string();
    assert!(
        !err.contains("NOT-A-REAL-KEY"),
        "the key is never echoed: {err}"
    );

    set(
        API_KEY_ENV,
        Some("ak_test_0123456789abcdef0123456789abcdef"),
    );
    let client = Client::from_env().unwrap();
    assert_eq!(client.base_url().as_str(), "https://api.ansdev.cloud");
    assert_eq!(client.key_prefix(), Some("ak_test_0123"));

    set(BASE_URL_ENV, Some("http://127.0.0.1:8787/"));
    let client = Client::builder()
        .user_agent("env-test/1")
        .from_env()
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(client.base_url().as_str(), "http://127.0.0.1:8787");
}
