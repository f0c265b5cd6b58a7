//! Key hashing, data-key wrapping (AES-256-GCM under the master key) and segment encryption
//! (AES-128-CBC, PKCS7, IV = media sequence number), all with RustCrypto crates.

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use sha2::{Digest, Sha256};

/// SHA-256 of an API key, hex: the only form in which keys are stored.
pub(crate) fn hash_api_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// The 32-byte key that wraps every video's data key.
#[derive(Clone)]
pub(crate) struct MasterKey([u8; 32]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey([redacted])")
    }
}

/// Why a master key was refused.
#[derive(Debug, thiserror::Error)]
#[error("--master-key must be 64 hex characters (32 bytes)")]
pub struct BadMasterKey;

impl MasterKey {
    pub(crate) fn from_hex(hex_key: &str) -> Result<Self, BadMasterKey> {
        let bytes = hex::decode(hex_key.trim()).map_err(|_| BadMasterKey)?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| BadMasterKey)?;
        Ok(Self(bytes))
    }

    pub(crate) fn random() -> Self {
        Self(rand::random())
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(&Key::<Aes256Gcm>::from(self.0))
    }

    /// Wraps a video's data key; the job id is bound in as associated data, so a wrapped key
    /// copied to another video does not unwrap.
    pub(crate) fn wrap(&self, job_id: &str, data_key: &[u8; 16]) -> Option<Vec<u8>> {
        let nonce_bytes: [u8; 12] = rand::random();
        let nonce = Nonce::from(nonce_bytes);
        let sealed = self
            .cipher()
            .encrypt(
                &nonce,
                Payload {
                    msg: data_key,
                    aad: job_id.as_bytes(),
                },
            )
            .ok()?;
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&sealed);
        Some(out)
    }

    /// Unwraps a data key; `None` when this master key did not wrap it (config drift).
    pub(crate) fn unwrap_key(&self, job_id: &str, wrapped: &[u8]) -> Option<[u8; 16]> {
        let (nonce, sealed) = wrapped.split_at_checked(12)?;
        let nonce: [u8; 12] = nonce.try_into().ok()?;
        let plain = self
            .cipher()
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: sealed,
                    aad: job_id.as_bytes(),
                },
            )
            .ok()?;
        plain.try_into().ok()
    }
}

/// The HLS AES-128 IV of a segment: its media sequence number as a 128-bit big-endian integer.
pub(crate) fn segment_iv(sequence: u64) -> [u8; 16] {
    u128::from(sequence).to_be_bytes()
}

/// Encrypts a segment the way HLS AES-128 expects (CBC, PKCS7, IV = sequence number).
pub(crate) fn encrypt_segment(key: &[u8; 16], sequence: u64, plain: &[u8]) -> Vec<u8> {
    let iv = segment_iv(sequence);
    cbc::Encryptor::<aes::Aes128>::new(key.into(), &iv.into()).encrypt_padded_vec::<Pkcs7>(plain)
}

/// The inverse of [`encrypt_segment`] (tests and self-checks).
#[allow(dead_code)]
pub(crate) fn decrypt_segment(key: &[u8; 16], sequence: u64, cipher: &[u8]) -> Option<Vec<u8>> {
    let iv = segment_iv(sequence);
    cbc::Decryptor::<aes::Aes128>::new(key.into(), &iv.into())
        .decrypt_padded_vec::<Pkcs7>(cipher)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_round_trips_and_drift_fails() {
        let master = MasterKey::random();
        let wrapped = master.wrap("job-1", &[7; 16]).unwrap();
        assert_eq!(master.unwrap_key("job-1", &wrapped), Some([7; 16]));
        assert_eq!(master.unwrap_key("job-2", &wrapped), None);
        assert_eq!(MasterKey::random().unwrap_key("job-1", &wrapped), None);
    }

    #[test]
    fn segments_round_trip_with_sequence_iv() {
        let key = [3u8; 16];
        let cipher = encrypt_segment(&key, 5, b"hello segment");
        assert_eq!(cipher.len() % 16, 0);
        assert_eq!(decrypt_segment(&key, 5, &cipher).unwrap(), b"hello segment");
        assert_eq!(segment_iv(1)[15], 1);
    }

    #[test]
    fn key_hash_is_hex_sha256() {
        assert_eq!(hash_api_key("").len(), 64);
        assert!(MasterKey::from_hex("00").is_err());
        assert!(MasterKey::from_hex(&"ab".repeat(32)).is_ok());
    }
}
