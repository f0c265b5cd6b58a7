use sdk_native::{Error, ErrorCode, KeyId, NewApiKey, Scope, UserToken};

use crate::common::{self, ENC};

#[tokio::test]
async fn create_list_revoke_and_the_revoked_key_fails_on_its_next_call() {
    let server = common::start(None).await;
    let keys = server.client(common::KEY).keys(server.user_token().await);

    let created = keys
        .create(&NewApiKey::new("ci", vec![Scope::VideoRead]).unwrap())
        .await
        .unwrap();
    assert_eq!(created.key.prefix(), created.info.prefix);
    let fresh = server
        .builder("ak_test_00000000000000000000000000000000")
        .api_key(created.key.expose_secret())
        .build()
        .unwrap();
    assert_eq!(fresh.get_video(ENC).await.unwrap().id.as_str(), ENC);

    let listed = keys.list().await.unwrap();
    assert!(
        listed
            .iter()
            .any(|k| k.id == created.info.id && k.revoked_at.is_none())
    );

    let revoked = keys.revoke(&created.info.id).await.unwrap();
    assert!(revoked.revoked_at.is_some());
    let err = fresh.get_video(ENC).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidApiKey);
    // Idempotent, and the row stays listed.
    keys.revoke(&created.info.id).await.unwrap();
    assert!(
        keys.list()
            .await
            .unwrap()
            .iter()
            .any(|k| k.id == created.info.id && k.revoked_at.is_some())
    );
}

#[tokio::test]
async fn key_management_refusals_are_typed() {
    let server = common::start(None).await;
    let client = server.client(common::KEY);
    let keys = client.keys(server.user_token().await);

    let unknown = keys
        .revoke(&KeyId::new("key_nope").unwrap())
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::NotFound);

    let stranger = client.keys(UserToken::new("not.a.jwt").unwrap());
    let err = stranger.list().await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthorized);
    assert!(matches!(err, Error::Api(ref api) if api.message == "Authentication required"));

    // 10 active keys per user; the seed already holds some.
    let mut last = None;
    for n in 0..11 {
        match keys
            .create(&NewApiKey::new(format!("k{n}"), vec![Scope::VideoRead]).unwrap())
            .await
        {
            Ok(_) => {}
            Err(err) => {
                last = Some(err);
                break;
            }
        }
    }
    let err = last.expect("the 11th active key is refused");
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(!err.is_retryable());
}
