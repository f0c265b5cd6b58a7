//! `GET /openapi.json`: the OpenAPI 3.1 document of every route, generated from the handlers'
//! `#[utoipa::path]` attributes and the body types' `ToSchema`. The dev routes (tag `dev`) are
//! in it only when the server runs with `--dev`, the only time they are served.

mod dev;
pub(crate) mod schemas;
pub(crate) mod wire_enums;

use axum::Json;
use axum::extract::State;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Ansdev API (reference server)", description = "The Ansdev wire contract as served by server-reference. docs/api.md in the repository describes every route, field, header, error and limit, and marks what the real service documents."),
    paths(
        super::videos::list,
        super::videos::get_one,
        super::videos::mint,
        super::playback::master,
        super::playback::media,
        super::playback::key,
        super::playback::session_key,
        super::playback::segment,
        super::player::page_for,
        super::player::asset,
        super::keys::create,
        super::keys::list,
        super::keys::revoke,
        super::meta::healthz,
        super::meta::jwks,
        document,
    ),
    tags(
        (name = "videos", description = "List, get and mint playback tokens (API key, scope video:read)"),
        (name = "playback", description = "Token-gated playlists and keys, public CDN segments, the hosted player"),
        (name = "keys", description = "API-key management for a signed-in user (Intelligence envelope)"),
        (name = "meta", description = "Health, the dev identity provider's JWKS, this document"),
    ),
    modifiers(&Security)
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("x-ansdev-key"))),
        );
        components.add_security_scheme(
            "user_jwt",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("ansdev_session"))),
        );
    }
}

/// The document a server serves: the public routes, plus the dev routes when `dev` is set.
pub(crate) fn document_for(dev: bool) -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    if dev {
        doc.merge(dev::DevDoc::openapi());
    }
    doc
}

/// `GET /openapi.json`.
#[utoipa::path(get, path = "/openapi.json", tag = "meta",
    responses((status = 200, description = "This document (OpenAPI 3.1); the dev routes are in it only with --dev", body = serde_json::Map<String, serde_json::Value>)))]
pub(super) async fn document(State(state): State<AppState>) -> Json<utoipa::openapi::OpenApi> {
    Json(document_for(state.inner.dev))
}
