//! `/v1/keys` — API-key management with a user's bearer token (Intelligence envelope).

use bytes::Bytes;
use http::{Method, Request, Response};

use super::{Auth, Endpoint, Route, build, segment};
use crate::base_url::BaseUrl;
use crate::envelope::{Envelope, decode_json};
use crate::error::{BuildError, Error};
use crate::model::{ApiKeyInfo, ApiKeyList, CreatedApiKey, KeyId, NewApiKey};
use crate::secret::UserToken;

const JSON: &str = "application/json";

/// `POST /v1/keys` — create a key; the full key is in the answer, this once.
#[derive(Debug, Clone)]
pub struct CreateApiKey<'a> {
    user: &'a UserToken,
    new_key: &'a NewApiKey,
}

impl<'a> CreateApiKey<'a> {
    /// Creates a key for the user behind `user`.
    #[must_use]
    pub fn new(user: &'a UserToken, new_key: &'a NewApiKey) -> Self {
        Self { user, new_key }
    }
}

impl Endpoint for CreateApiKey<'_> {
    type Output = CreatedApiKey;
    fn route(&self) -> Route {
        Route::CreateApiKey
    }
    fn to_request(&self, base: &BaseUrl) -> Result<Request<Bytes>, BuildError> {
        let body = serde_json::to_vec(self.new_key).map_err(|_| BuildError::InvalidParameter {
            name: "body",
            reason: "could not be serialized".into(),
        })?;
        build(
            Method::POST,
            base.join("/v1/keys"),
            Auth::Bearer(self.user),
            JSON,
            Some(body),
        )
    }
    fn parse_response(&self, response: &Response<Bytes>) -> Result<CreatedApiKey, Error> {
        decode_json(response, Envelope::Intelligence)
    }
}

/// `GET /v1/keys` — every key of the user, revoked ones included.
#[derive(Debug, Clone)]
pub struct ListApiKeys<'a> {
    user: &'a UserToken,
}

impl<'a> ListApiKeys<'a> {
    /// Lists the keys of the user behind `user`.
    #[must_use]
    pub fn new(user: &'a UserToken) -> Self {
        Self { user }
    }
}

impl Endpoint for ListApiKeys<'_> {
    type Output = ApiKeyList;
    fn route(&self) -> Route {
        Route::ListApiKeys
    }
    fn to_request(&self, base: &BaseUrl) -> Result<Request<Bytes>, BuildError> {
        build(
            Method::GET,
            base.join("/v1/keys"),
            Auth::Bearer(self.user),
            JSON,
            None,
        )
    }
    fn parse_response(&self, response: &Response<Bytes>) -> Result<ApiKeyList, Error> {
        decode_json(response, Envelope::Intelligence)
    }
}

/// `DELETE /v1/keys/{id}` — revoke a key (idempotent; the row stays listed).
#[derive(Debug, Clone)]
pub struct RevokeApiKey<'a> {
    user: &'a UserToken,
    id: &'a KeyId,
}

impl<'a> RevokeApiKey<'a> {
    /// Revokes key `id` of the user behind `user`.
    #[must_use]
    pub fn new(user: &'a UserToken, id: &'a KeyId) -> Self {
        Self { user, id }
    }
}

impl Endpoint for RevokeApiKey<'_> {
    type Output = ApiKeyInfo;
    fn route(&self) -> Route {
        Route::RevokeApiKey
    }
    fn to_request(&self, base: &BaseUrl) -> Result<Request<Bytes>, BuildError> {
        let url = base.join(&format!("/v1/keys/{}", segment(self.id.as_str())));
        build(Method::DELETE, url, Auth::Bearer(self.user), JSON, None)
    }
    fn parse_response(&self, response: &Response<Bytes>) -> Result<ApiKeyInfo, Error> {
        decode_json(response, Envelope::Intelligence)
    }
}
