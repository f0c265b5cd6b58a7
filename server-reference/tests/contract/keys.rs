use std::time::{Duration, Instant};

use bytes::Bytes;
use http::Response;
use sdk_core::endpoint::{CreateApiKey, ListApiKeys, ListVideos, RevokeApiKey, VideoQuery};
use sdk_core::{ApiKey, ErrorCode, KeyId, NewApiKey, Scope, UserToken};
use serde_json::{Value, json};

use crate::common::*;

#[tokio::test]
async fn create_list_revoke_through_the_sdk() {
    let h = start().await;
    let user = UserToken::new(h.user_token("user_keys").await).unwrap();
    let new = NewApiKey::new("ci", vec![Scope::VideoRead]).unwrap();
    let created = h.call(&CreateApiKey::new(&user, &new)).await.unwrap();
    let key = created.key.expose_secret().to_owned();
    assert!(key.starts_with("ak_live_") && key.len() == 40);
    assert_eq!(created.info.prefix, &key[..12]);
    assert_eq!(created.info.name, "ci");
    assert_eq!(created.info.scopes, [Scope::VideoRead]);
    assert!(created.info.revoked_at.is_none());

    // The raw 201 body: the key is there this once, revokedAt is an explicit null.
    let r = h.request(
        reqwest::Method::POST,
        "/v1/keys",
        Some(&format!("Bearer {}", user.expose_secret())),
        Some(r#"{"name": "second", "scopes": ["video:read", "vault:read"], "expiresAt": "2999-01-01T00:00:00Z"}"#),
    )
    .await;
    assert_eq!(r.status(), 201);
    let body = json_of(&r);
    assert_eq!(body["revokedAt"], Value::Null);
    assert_eq!(body["expiresAt"], "2999-01-01T00:00:00Z");
    assert!(body["id"].as_str().unwrap().starts_with("key_"));

    // The new key works at once and sees its user's (zero) videos.
    let api_key = ApiKey::new(&key).unwrap();
    assert_eq!(
        h.call(&ListVideos::new(&api_key, VideoQuery::new()))
            .await
            .unwrap()
            .total,
        0
    );

    let list = h.call(&ListApiKeys::new(&user)).await.unwrap();
    assert_eq!(list.items.len(), 2);
    let r = h
        .request(
            reqwest::Method::GET,
            "/v1/keys",
            Some(&format!("Bearer {}", user.expose_secret())),
            None,
        )
        .await;
    assert!(
        !String::from_utf8_lossy(r.body()).contains(&key),
        "a listing never shows a key"
    );

    let revoked = h
        .call(&RevokeApiKey::new(&user, &created.info.id))
        .await
        .unwrap();
    let at = revoked.revoked_at.unwrap();
    // Revocation applies on the very next request.
    let r = h.get("/v1/video", Some(&key)).await;
    assert_ansdev_error(&r, ErrorCode::InvalidApiKey, None);
    // Idempotent, and the revoked key stays listed.
    h.advance(10).await;
    let again = h
        .call(&RevokeApiKey::new(&user, &created.info.id))
        .await
        .unwrap();
    assert_eq!(again.revoked_at, Some(at));
    let list = h.call(&ListApiKeys::new(&user)).await.unwrap();
    assert_eq!(list.items.len(), 2);
    assert!(list.items.iter().any(|k| k.revoked_at == Some(at)));
}

#[tokio::test]
async fn missing_bad_or_foreign_credentials_are_401() {
    let h = start_with(|c| c.jwt_audience = "the-dashboard".into()).await;
    let h2 = start().await;
    let good = h2.user_token(USER).await;
    // Same signing key, default audience: refused by the server expecting another audience.
    let wrong_audience = good.clone();
    let hs256 = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &json!({"sub": USER, "iss": "ansdev-dev-idp", "aud": "ansdev-dashboard", "exp": 4_000_000_000u64}),
        &jsonwebtoken::EncodingKey::from_secret(b"guess"),
    )
    .unwrap();
    for auth in [
        None,
        Some(format!("Basic {good}")),
        Some("Bearer".to_owned()),
        Some("Bearer not.a.jwt".to_owned()),
        Some(format!("Bearer {hs256}")),
    ] {
        let r = h2
            .request(reqwest::Method::GET, "/v1/keys", auth.as_deref(), None)
            .await;
        assert_intelligence_error(&r, 401);
    }
    let r = h
        .request(
            reqwest::Method::GET,
            "/v1/keys",
            Some(&format!("Bearer {wrong_audience}")),
            None,
        )
        .await;
    assert_intelligence_error(&r, 401);
    // Expired on the server clock.
    let auth = format!("Bearer {good}");
    let r = h2
        .request(reqwest::Method::GET, "/v1/keys", Some(&auth), None)
        .await;
    assert_eq!(r.status(), 200);
    h2.advance(3601).await;
    let r = h2
        .request(reqwest::Method::GET, "/v1/keys", Some(&auth), None)
        .await;
    assert_intelligence_error(&r, 401);
}

#[tokio::test]
async fn invalid_bodies_are_422() {
    let h = start().await;
    let auth = format!("Bearer {}", h.user_token(USER).await);
    let long = "n".repeat(65);
    for body in [
        "{",
        "[]",
        r#"{"name": "x"}"#,
        r#"{"name": "x", "scopes": []}"#,
        r#"{"name": "x", "scopes": ["video:write"]}"#,
        r#"{"name": "", "scopes": ["video:read"]}"#,
        &format!(r#"{{"name": "{long}", "scopes": ["video:read"]}}"#),
        r#"{"name": "x", "scopes": ["video:read"], "expiresAt": "2001-01-01T00:00:00Z"}"#,
        r#"{"name": "x", "scopes": ["video:read"], "expiresAt": "tomorrow"}"#,
        r#"{"name": "x", "scopes": ["video:read"], "admin": true}"#,
    ] {
        let r = h
            .request(reqwest::Method::POST, "/v1/keys", Some(&auth), Some(body))
            .await;
        assert_intelligence_error(&r, 422);
    }
}

#[tokio::test]
async fn eleven_active_keys_conflict_and_foreign_keys_are_not_found() {
    let h = start().await;
    let auth = format!("Bearer {}", h.user_token("user_many").await);
    let body = r#"{"name": "k", "scopes": ["video:read"]}"#;
    let mut ids = Vec::new();
    for _ in 0..10 {
        let r = h
            .request(reqwest::Method::POST, "/v1/keys", Some(&auth), Some(body))
            .await;
        assert_eq!(r.status(), 201);
        ids.push(json_of(&r)["id"].as_str().unwrap().to_owned());
    }
    let r = h
        .request(reqwest::Method::POST, "/v1/keys", Some(&auth), Some(body))
        .await;
    assert_intelligence_error(&r, 409);
    let r = h
        .request(
            reqwest::Method::DELETE,
            &format!("/v1/keys/{}", ids[0]),
            Some(&auth),
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    let r = h
        .request(reqwest::Method::POST, "/v1/keys", Some(&auth), Some(body))
        .await;
    assert_eq!(r.status(), 201);

    // Another user's key and an unknown id are both plain 404s.
    let user1 = format!("Bearer {}", h.user_token(USER).await);
    for id in [ids[1].as_str(), "key_nope"] {
        let r = h
            .request(
                reqwest::Method::DELETE,
                &format!("/v1/keys/{id}"),
                Some(&user1),
                None,
            )
            .await;
        assert_intelligence_error(&r, 404);
    }
    let user = UserToken::new(h.user_token("user_many").await).unwrap();
    let err = h
        .call(&RevokeApiKey::new(&user, &KeyId::new("key_nope").unwrap()))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
}

#[tokio::test]
async fn an_unreachable_jwks_is_a_500() {
    let h = start_with(|c| c.jwks_url = Some("http://127.0.0.1:9/jwks.json".into())).await;
    let auth = format!("Bearer {}", h.user_token(USER).await);
    let r = h
        .request(reqwest::Method::GET, "/v1/keys", Some(&auth), None)
        .await;
    assert_intelligence_error(&r, 500);
    let r = h
        .http
        .get(h.url(&format!("/video/key/{ENC_JOB}")))
        .header("cookie", format!("ansdev_session={}", &auth[7..]))
        .send()
        .await
        .unwrap();
    assert_ansdev_error(&into_http(r).await, ErrorCode::InternalError, None);
}

#[tokio::test]
async fn a_key_expires_on_the_server_clock() {
    let h = start().await;
    let auth = format!("Bearer {}", h.user_token(USER).await);
    let now = h.server.state().server_clock().now();
    let expires = (now + time::Duration::seconds(60))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let body =
        format!(r#"{{"name": "short", "scopes": ["video:read"], "expiresAt": "{expires}"}}"#);
    let r = h
        .request(reqwest::Method::POST, "/v1/keys", Some(&auth), Some(&body))
        .await;
    assert_eq!(r.status(), 201);
    let key = json_of(&r)["key"].as_str().unwrap().to_owned();
    assert_eq!(h.get("/v1/video", Some(&key)).await.status(), 200);
    h.advance(61).await;
    assert_ansdev_error(
        &h.get("/v1/video", Some(&key)).await,
        ErrorCode::ApiKeyExpired,
        None,
    );
}

pub fn keys_body(scopes: &Value) -> String {
    json!({"name": "k", "scopes": scopes}).to_string()
}

async fn post_key(h: &Harness, auth: &str, body: String) -> Response<Bytes> {
    into_http(
        h.http
            .post(h.url("/v1/keys"))
            .header("authorization", auth)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn c6_a_key_with_150000_scopes_is_refused_quickly() {
    let h = start().await;
    let auth = format!("Bearer {}", h.user_token("user_fat").await);
    let fat = keys_body(&json!(vec!["video:read"; 150_000]));
    let started = Instant::now();
    let r = post_key(&h, &auth, fat).await;
    let took = started.elapsed();
    assert_intelligence_error(&r, 422);
    // Generous: a refusal that reads and parses nothing costs milliseconds.
    assert!(took < Duration::from_secs(20), "{took:?}");
    eprintln!("150 000 scopes refused in {took:?}");

    // Within the body limit, the set rule refuses at the second element.
    let within = keys_body(&json!(vec!["video:read"; 1_000]));
    assert!(within.len() < 16 * 1024);
    assert_intelligence_error(&post_key(&h, &auth, within).await, 422);
    // Five known scopes and one more (unknown) is not a set of known scopes either.
    let six = json!([
        "video:read",
        "vault:read",
        "vault:write",
        "ai:compute",
        "billing:read",
        "x:y"
    ]);
    assert_intelligence_error(&post_key(&h, &auth, keys_body(&six)).await, 422);

    // Nothing was stored.
    let list = h
        .request(reqwest::Method::GET, "/v1/keys", Some(&auth), None)
        .await;
    assert_eq!(json_of(&list)["items"], json!([]));
}

#[tokio::test]
async fn c6_repeated_scopes_are_refused_even_when_not_adjacent() {
    let h = start().await;
    let auth = format!("Bearer {}", h.user_token("user_dup").await);
    for scopes in [
        json!(["video:read", "video:read"]),
        json!(["video:read", "vault:read", "video:read"]),
        json!([
            "billing:read",
            "ai:compute",
            "vault:write",
            "vault:read",
            "video:read",
            "ai:compute"
        ]),
    ] {
        let r = post_key(&h, &auth, keys_body(&scopes)).await;
        assert_intelligence_error(&r, 422);
    }
    // All five, once each, is fine and kept in the order given.
    let all = json!([
        "billing:read",
        "ai:compute",
        "vault:write",
        "vault:read",
        "video:read"
    ]);
    let r = post_key(&h, &auth, keys_body(&all)).await;
    assert_eq!(r.status(), 201);
    assert_eq!(json_of(&r)["scopes"], all);
}

#[tokio::test]
async fn c6_create_revoke_loops_stop_at_100_keys_and_the_store_stops_growing() {
    let h = start().await;
    let auth = format!("Bearer {}", h.user_token("user_loop").await);
    let body = keys_body(&json!(["video:read"]));
    let mut created = 0;
    let conflict = loop {
        let r = post_key(&h, &auth, body.clone()).await;
        if r.status() != 201 {
            break r;
        }
        created += 1;
        assert!(created <= 100, "the cap holds");
        let id = json_of(&r)["id"].as_str().unwrap().to_owned();
        let revoked = h
            .request(
                reqwest::Method::DELETE,
                &format!("/v1/keys/{id}"),
                Some(&auth),
                None,
            )
            .await;
        assert_eq!(revoked.status(), 200);
    };
    assert_eq!(created, 100);
    assert_intelligence_error(&conflict, 409);

    let listed = || async {
        let r = h
            .request(reqwest::Method::GET, "/v1/keys", Some(&auth), None)
            .await;
        assert_eq!(r.status(), 200);
        (
            json_of(&r)["items"].as_array().unwrap().len(),
            r.body().len(),
        )
    };
    let (count, bytes) = listed().await;
    assert_eq!(count, 100);
    for _ in 0..5 {
        assert_intelligence_error(&post_key(&h, &auth, body.clone()).await, 409);
    }
    assert_eq!(listed().await, (100, bytes), "nothing more was stored");
    eprintln!("GET /v1/keys at the cap: {bytes} bytes");
    // The cap is per user: another user is unaffected.
    let other = format!("Bearer {}", h.user_token("user_loop_2").await);
    assert_eq!(post_key(&h, &other, body).await.status(), 201);
}
