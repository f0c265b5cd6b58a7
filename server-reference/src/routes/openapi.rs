//! `GET /openapi.json`: the OpenAPI 3.1 document of the public routes, generated from the
//! handlers' `#[utoipa::path]` attributes.

use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Ansdev API (reference server)", description = "The Ansdev wire contract as served by server-reference."),
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
        super::keys::create,
        super::keys::list,
        super::keys::revoke,
        super::meta::healthz,
        super::meta::jwks,
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

pub(super) async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
