//! An app that depends on sdk-native alone names everything it needs through `sdk_native::`:
//! this file compiles only while the re-exports are complete (it names no `sdk_core` path).

use std::time::Duration;

use sdk_native::{
    ApiError, BaseUrl, BuildError, Client, DecodeErrorKind, Error, ErrorCode, FnTransport,
    MAX_RESET_WAIT, Quality, QuotaExhausted, RateLimit, Remedy, RetryDecision, RetryPolicy, Scope,
    TokenConfig, TransportError, TransportErrorKind, VideoId, VideoQuery, VideoStatus,
};

/// How an app typically branches on a failed call.
fn describe(err: &Error) -> String {
    match err {
        Error::QuotaExhausted(QuotaExhausted { retry_after, .. }) => {
            format!(
                "quota: wait {:?}",
                retry_after.map(|w| w.min(MAX_RESET_WAIT))
            )
        }
        Error::Api(ApiError { code, .. }) if *code == ErrorCode::VideoNotFound => "missing".into(),
        Error::Transport(TransportError { kind, .. })
            if *kind == TransportErrorKind::RedirectRefused =>
        {
            "redirect refused".into()
        }
        Error::Decode(decode) if matches!(decode.kind, DecodeErrorKind::EmptyBody) => {
            "empty".into()
        }
        Error::Build(BuildError::InvalidApiKey { .. }) => "bad key".into(),
        other => match other.remedy() {
            Some(Remedy::RetryLater) => "later".into(),
            _ => other.to_string(),
        },
    }
}

#[test]
fn an_app_names_every_type_it_uses_through_sdk_native() {
    let transport = FnTransport::new(|_request| async {
        Ok(http::Response::builder()
            .status(404)
            .body(bytes::Bytes::from_static(
                br#"{"success":false,"error":{"code":"VIDEO_NOT_FOUND","message":"Video not found.","status":404}}"#,
            ))
            .unwrap())
    });
    let client = Client::builder()
        .api_key("ak_test_0123456789abcdef0123456789abcdef")
        .base_url(BaseUrl::new("http://127.0.0.1:9").unwrap().as_str())
        .retry_policy(RetryPolicy::never())
        .token_config(TokenConfig::default())
        .transport(transport)
        .build()
        .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let err = runtime
        .block_on(client.get_video(VideoId::new("vid_x").unwrap().as_str()))
        .unwrap_err();
    assert_eq!(describe(&err), "missing");
    let _ = (
        VideoQuery::new(),
        Scope::VideoRead,
        VideoStatus::Completed,
        Quality::P720,
        RateLimit::new(1000, 10, 0),
        RetryDecision::GiveUp,
        Duration::ZERO,
    );
}
