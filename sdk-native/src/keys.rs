//! API-key management (`/v1/keys`) with a dashboard user's token.

use sdk_core::endpoint::{CreateApiKey, ListApiKeys, RevokeApiKey};
use sdk_core::{ApiKeyInfo, CreatedApiKey, Error, KeyId, NewApiKey, UserToken};

use crate::Client;

/// Key management for one user; from [`Client::keys`]. Needs no API key.
#[derive(Debug, Clone)]
pub struct KeysClient {
    client: Client,
    user: UserToken,
}

impl Client {
    /// Manages the API keys of the user behind `user` (a dashboard bearer token).
    ///
    /// ```no_run
    /// use sdk_native::{Client, NewApiKey, Scope, UserToken};
    /// # async fn run(user: UserToken) -> Result<(), sdk_native::Error> {
    /// let keys = Client::builder().build()?.keys(user);
    /// let created = keys.create(&NewApiKey::new("ci", vec![Scope::VideoRead])?).await?;
    /// println!("new key {} (shown once)", created.info.prefix);
    /// keys.revoke(&created.info.id).await?;
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn keys(&self, user: UserToken) -> KeysClient {
        KeysClient {
            client: self.clone(),
            user,
        }
    }
}

impl KeysClient {
    /// `POST /v1/keys`: creates a key. The full key is in the result, this once.
    pub async fn create(&self, new_key: &NewApiKey) -> Result<CreatedApiKey, Error> {
        self.client
            .send(&CreateApiKey::new(&self.user, new_key))
            .await
    }

    /// `GET /v1/keys`: every key of the user, revoked ones included.
    pub async fn list(&self) -> Result<Vec<ApiKeyInfo>, Error> {
        Ok(self.client.send(&ListApiKeys::new(&self.user)).await?.items)
    }

    /// `DELETE /v1/keys/{id}`: revokes a key (idempotent). It fails from the next request on.
    pub async fn revoke(&self, id: &KeyId) -> Result<ApiKeyInfo, Error> {
        self.client.send(&RevokeApiKey::new(&self.user, id)).await
    }
}
