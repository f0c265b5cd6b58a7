//! `/openapi.json` against the router: every route the server serves is in the document, every
//! answer with a body has a schema, and the dev routes appear exactly when they are served.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::{json_of, start, start_with};

/// The route table, read from the source that builds it, so a route added there without a
/// document entry fails this test.
const ROUTE_TABLE: &str = include_str!("../../src/routes/mod.rs");
/// The named route patterns the table uses (`patterns::MINT`, …).
const PATTERNS: &str = include_str!("../../src/routes/patterns.rs");

/// The string literal of `patterns::NAME`.
fn pattern_named(name: &str) -> &'static str {
    let decl = format!("pub(crate) const {name}: &str =");
    let rest = PATTERNS.split(&decl).nth(1).expect("a named route pattern");
    rest.split('"').nth(1).expect("a route pattern literal")
}

/// `(path with every parameter written `{}`, method)` for each `.route(…)` of the table.
fn routes_of_the_router() -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    // The unit tests below the table build routers of their own.
    let table = ROUTE_TABLE.split("#[cfg(test)]").next().unwrap();
    let calls: Vec<&str> = table.split(".route(").skip(1).collect();
    assert!(calls.len() >= 15, "the route table was not found");
    for call in calls {
        let call = call.trim_start();
        let path = match call.strip_prefix("patterns::") {
            Some(rest) => pattern_named(rest.split(',').next().unwrap().trim()),
            None => call
                .strip_prefix('"')
                .and_then(|rest| rest.split('"').next())
                .expect("a route path literal"),
        };
        // The handlers of this route: up to the next route or the end of the table.
        let handlers = call.split(";").next().unwrap_or(call);
        let methods: Vec<&str> = ["get", "post", "delete", "put", "patch"]
            .into_iter()
            .filter(|m| {
                handlers.contains(&format!(" {m}(")) || handlers.contains(&format!(".{m}("))
            })
            .collect();
        assert!(!methods.is_empty(), "no method found for {path}");
        for method in methods {
            routes.insert((normalize(path), method.to_owned()));
        }
    }
    routes
}

/// `/a/{x}/{*rest}` → `/a/{}/{}`: axum and OpenAPI name parameters differently.
fn normalize(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') && segment.ends_with('}') {
                "{}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            ops.insert((normalize(path), method.clone()));
        }
    }
    ops
}

async fn document(dev: bool) -> Value {
    let h = start_with(|c| c.dev = dev).await;
    let r = h.get("/openapi.json", None).await;
    assert_eq!(r.status(), 200);
    json_of(&r)
}

#[tokio::test]
async fn every_route_of_the_router_is_in_the_dev_document() {
    let doc = document(true).await;
    assert_eq!(doc["openapi"], "3.1.0");
    let documented = operations(&doc);
    let served = routes_of_the_router();
    let missing: Vec<_> = served.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "routes not in the document: {missing:?}"
    );
    let extra: Vec<_> = documented.difference(&served).collect();
    assert!(
        extra.is_empty(),
        "documented routes the router lacks: {extra:?}"
    );
}

#[tokio::test]
async fn every_response_of_every_operation_has_a_body_schema() {
    let doc = document(true).await;
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(!responses.is_empty(), "{method} {path}: no responses");
            for (status, response) in responses {
                // Every answer of this server has a body (envelopes, playlists, keys, segments,
                // pages, plain-text refusals) except a 204, which has none by definition.
                if status == "204" {
                    assert!(
                        response.get("content").is_none(),
                        "{method} {path}: 204 body"
                    );
                    continue;
                }
                let content = response["content"]
                    .as_object()
                    .unwrap_or_else(|| panic!("{method} {path} {status}: no content"));
                assert!(
                    !content.is_empty(),
                    "{method} {path} {status}: no media type"
                );
                for (media, body) in content {
                    assert!(
                        body["schema"].is_object(),
                        "{method} {path} {status} {media}: no schema"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 60, "only {checked} bodies described");
}

#[tokio::test]
async fn schemas_name_the_media_types_headers_and_envelopes_of_the_contract() {
    let doc = document(true).await;
    let content = |path: &str, method: &str, status: &str| -> Vec<String> {
        doc["paths"][path][method]["responses"][status]["content"]
            .as_object()
            .unwrap_or_else(|| panic!("{method} {path} {status}"))
            .keys()
            .cloned()
            .collect()
    };
    let manifest = "/v1/video/playback/manifest/{token}/{jobId}/master.m3u8";
    assert_eq!(
        content(manifest, "get", "200"),
        ["application/vnd.apple.mpegurl"]
    );
    assert_eq!(content(manifest, "get", "401"), ["application/json"]);
    assert_eq!(
        content("/v1/video/playback/key/{token}/{jobId}", "get", "200"),
        ["application/octet-stream"]
    );
    assert_eq!(
        content("/cdn/{jobId}/{rendition}/{chunk}", "get", "200"),
        ["video/mp2t"]
    );
    assert_eq!(content("/player/{videoId}", "get", "200"), ["text/html"]);
    let mint = &doc["paths"]["/v1/video/{videoId}/playback-token"]["post"]["responses"];
    for status in ["200", "400", "404", "429"] {
        let headers = mint[status]["headers"].as_object().unwrap();
        for name in [
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
        ] {
            assert!(headers.contains_key(name), "{status} lacks {name}");
        }
    }
    assert_eq!(
        mint["411"]["content"]["text/plain"]["schema"]["$ref"],
        "#/components/schemas/Text"
    );
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        mint["429"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/AnsdevError"
    );
    assert_eq!(
        doc["paths"]["/v1/keys"]["post"]["responses"]["422"]["content"]["application/json"]["schema"]
            ["$ref"],
        "#/components/schemas/IntelligenceError"
    );
    // The enums come from sdk-core's tables, so each of their values is in the document.
    let codes = schemas["ErrorCode"]["enum"].as_array().unwrap();
    for code in sdk_core::ErrorCode::ALL {
        assert!(codes.contains(&Value::from(code.as_str())), "{code:?}");
    }
    let statuses = schemas["VideoStatus"]["enum"].as_array().unwrap();
    assert_eq!(statuses.len(), sdk_core::VideoStatus::ALL.len());
    // Request bodies are described, unknown fields refused as the server refuses them.
    let new_key = &schemas["NewKeyBody"];
    assert_eq!(new_key["additionalProperties"], false);
    assert_eq!(new_key["required"], serde_json::json!(["name", "scopes"]));
}

#[tokio::test]
async fn the_dev_routes_are_documented_with_their_bodies_only_when_served() {
    let public = document(false).await;
    let paths = public["paths"].as_object().unwrap();
    assert!(paths.keys().all(|p| !p.starts_with("/dev/")), "{paths:?}");
    assert!(
        public["components"]["schemas"]
            .get("FaultRequest")
            .is_none()
    );

    let dev = document(true).await;
    for (path, method) in [
        ("/dev/users/{userId}/token", "post"),
        ("/dev/clock", "post"),
        ("/dev/faults", "post"),
    ] {
        let op = &dev["paths"][path][method];
        assert_eq!(op["tags"], serde_json::json!(["dev"]), "{path}");
        assert_eq!(
            op["responses"]["422"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/DevError"
        );
    }
    let faults = &dev["components"]["schemas"]["FaultRequest"];
    assert_eq!(faults["required"], serde_json::json!(["route"]));
    assert_eq!(faults["properties"]["status"]["minimum"], 200);
    assert_eq!(faults["properties"]["delayMs"]["maximum"], 60_000);
    let clock = &dev["components"]["schemas"]["ClockAdvance"];
    assert_eq!(clock["required"], serde_json::json!(["advanceSeconds"]));
    // Served at all: the same server answers the documented dev routes.
    let h = start().await;
    let r = h.post_empty("/dev/users/someone/token", None).await;
    assert_eq!(r.status(), 200);
}
