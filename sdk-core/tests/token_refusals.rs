//! The one refusal classifier: what a front end saw (status, body code or none) in, the verdict
//! out. Front ends obey it with no list or counter of their own, so these stories are the whole
//! heal-once policy of every front end.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use sdk_core::token::{Generation, PlaybackEvent, Refusal, Rejection, TokenConfig};
use sdk_core::{Error, ErrorCode};
use support::{FakeApi, Rig, video};

const TTL: Duration = Duration::from_secs(300);

/// A front end that obeys the verdict, against a server that refuses every request with
/// `refusal`: how many times the request was sent, and how it ended.
fn obey_until_done(refusal: &Refusal) -> (u32, Rejection) {
    let movie = video("vid_movie");
    let mut rig = Rig::new(TokenConfig::default(), FakeApi::new(TTL));
    let mut sent = 0;
    loop {
        let token = rig.need_token(&movie).expect("a token to send");
        sent += 1;
        assert!(sent < 10, "obeying the verdict must not loop");
        let verdict =
            rig.tokens
                .handle_rejection(&movie, token.generation, refusal.clone(), rig.now);
        if !matches!(verdict, Rejection::Remint | Rejection::Stale) {
            return (sent, verdict);
        }
    }
}

fn gave_up_with(verdict: &Rejection) -> Option<ErrorCode> {
    match verdict {
        Rejection::GaveUp(Error::AuthGaveUp { code }) => Some(code.clone()),
        _ => None,
    }
}

#[test]
fn an_expired_or_invalid_token_is_retried_once_then_given_up_with_its_code() {
    for code in [
        ErrorCode::PlaybackTokenExpired,
        ErrorCode::PlaybackTokenInvalid,
    ] {
        let (sent, verdict) = obey_until_done(&Refusal::new(401, Some(code.clone())));
        assert_eq!(sent, 2, "{code}: the request and one retry");
        assert_eq!(gave_up_with(&verdict), Some(code));
    }
}

#[test]
fn a_bodiless_401_is_healed_once_as_an_expired_token() {
    let (sent, verdict) = obey_until_done(&Refusal::new(401, None));
    assert_eq!(sent, 2);
    assert_eq!(
        gave_up_with(&verdict),
        Some(ErrorCode::PlaybackTokenExpired)
    );
}

#[test]
fn a_mismatch_gives_up_at_once_and_keeps_the_token() {
    let movie = video("vid_movie");
    let mut rig = Rig::new(TokenConfig::default(), FakeApi::new(TTL));
    let token = rig.need_token(&movie).unwrap();
    let refusal = Refusal::new(403, Some(ErrorCode::PlaybackTokenMismatch));
    let verdict = rig
        .tokens
        .handle_rejection(&movie, token.generation, refusal, rig.now);
    assert_eq!(
        gave_up_with(&verdict),
        Some(ErrorCode::PlaybackTokenMismatch)
    );
    // The token is fine for its own video: no re-mint, no quota spent.
    let again = rig.need_token(&movie).unwrap();
    assert_eq!(again.generation, token.generation);
    assert_eq!(rig.api.mints, 1);
}

#[test]
fn a_bodiless_403_another_status_or_a_non_token_code_is_surfaced_untouched() {
    let unrelated = [
        Refusal::new(403, None),
        Refusal::new(401, Some(ErrorCode::InvalidApiKey)),
        Refusal::new(404, Some(ErrorCode::NoKey)),
        Refusal::new(500, Some(ErrorCode::PlaybackTokenExpired)),
        Refusal::new(0, None),
    ];
    for refusal in unrelated {
        let (sent, verdict) = obey_until_done(&refusal);
        assert_eq!(sent, 1, "{refusal:?}");
        assert!(matches!(verdict, Rejection::Unrelated), "{refusal:?}");
    }
}

#[test]
fn a_refusal_for_a_video_without_tokens_is_stale_and_an_unrelated_one_stays_unrelated() {
    let mut rig = Rig::new(TokenConfig::default(), FakeApi::new(TTL));
    let nobody = video("vid_nobody");
    let generation = Generation::from_raw(7);
    let expired = Refusal::new(401, Some(ErrorCode::PlaybackTokenExpired));
    let verdict = rig
        .tokens
        .handle_rejection(&nobody, generation, expired, rig.now);
    assert!(matches!(verdict, Rejection::Stale), "{verdict:?}");
    let no_key = rig
        .tokens
        .handle_rejection(&nobody, generation, &ErrorCode::NoKey, rig.now);
    assert!(matches!(no_key, Rejection::Unrelated), "{no_key:?}");
}

#[test]
fn a_refusal_is_read_from_an_error_only_when_an_answer_arrived() {
    let api = sdk_core::ApiError::new(
        ErrorCode::PlaybackTokenMismatch,
        "Token issued for a different video.",
        http::StatusCode::FORBIDDEN,
    );
    assert_eq!(
        Refusal::from_error(&Error::Api(api)),
        Some(Refusal::new(403, Some(ErrorCode::PlaybackTokenMismatch)))
    );
    let timeout = Error::Timeout {
        after: Duration::from_secs(10),
    };
    assert_eq!(Refusal::from_error(&timeout), None);
    assert_eq!(
        Refusal::from(&ErrorCode::PlaybackTokenExpired),
        Refusal::new(401, Some(ErrorCode::PlaybackTokenExpired))
    );
}

#[test]
fn every_given_up_refusal_is_told_to_the_application_and_nothing_else_is() {
    let movie = video("vid_movie");
    let mut rig = Rig::new(TokenConfig::default(), FakeApi::new(TTL));
    let token = rig.need_token(&movie).unwrap();
    while rig.tokens.poll_playback_event().is_some() {} // TokenRefreshed
    let generation = token.generation;

    let mismatch = Refusal::new(403, Some(ErrorCode::PlaybackTokenMismatch));
    for _ in 0..2 {
        rig.tokens
            .handle_rejection(&movie, generation, mismatch.clone(), rig.now);
    }
    rig.tokens
        .handle_rejection(&movie, generation, Refusal::new(403, None), rig.now);
    let told: Vec<_> = std::iter::from_fn(|| rig.tokens.poll_playback_event()).collect();
    assert_eq!(
        told.len(),
        2,
        "one per refusal given up, none for the unrelated: {told:?}"
    );
    for event in &told {
        assert!(
            matches!(event, PlaybackEvent::GaveUp { video, error: Error::AuthGaveUp { code } }
                if *video == movie && *code == ErrorCode::PlaybackTokenMismatch),
            "{event:?}"
        );
    }
    // A re-mint is not news for the application until its token arrives.
    let expired = Refusal::new(401, Some(ErrorCode::PlaybackTokenExpired));
    let verdict = rig
        .tokens
        .handle_rejection(&movie, generation, expired, rig.now);
    assert!(matches!(verdict, Rejection::Remint));
    assert!(rig.tokens.poll_playback_event().is_none());
}
