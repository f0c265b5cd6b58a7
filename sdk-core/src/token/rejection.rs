//! A player's token was refused: decide between re-minting once, ignoring a stale refusal, and
//! giving up.

use crate::catalog::ErrorCode;
use crate::clock::Instant;
use crate::error::Error;
use crate::model::VideoId;

use super::manager::TokenManager;
use super::types::{Generation, Rejection};

impl TokenManager {
    /// A player's request with the token of `generation` for `video` was refused with `code`
    /// (a 401 or 403). Returns what the player should do:
    ///
    /// - [`Stale`](Rejection::Stale) when that token was already replaced: nothing changes;
    /// - [`Remint`](Rejection::Remint) for an expired or invalid current token: it is dropped,
    ///   and the next [`request_token`](Self::request_token) mints a fresh one;
    /// - [`GaveUp`](Rejection::GaveUp) when the refused token was itself minted after a
    ///   refusal less than a margin ago (re-mint once, never in a loop), or for a token bound to
    ///   another video. A healing token refused later, after a margin of use, is a new incident
    ///   and gets its own re-mint;
    /// - [`Unrelated`](Rejection::Unrelated) for codes that are not about the token.
    ///
    /// Several fetches refused with the same token get the same answer and cause one re-mint.
    pub fn handle_rejection(
        &mut self,
        video: &VideoId,
        generation: Generation,
        code: &ErrorCode,
        now: Instant,
    ) -> Rejection {
        let Some(slot) = self.slots.get_mut(video) else {
            return Rejection::Stale;
        };
        let Some(held) = slot.current.as_ref() else {
            // The token is gone: repeat the verdict that dropped it, if this is that token.
            return match &slot.last_verdict {
                Some((dropped, verdict)) if *dropped == generation => verdict.clone(),
                _ => Rejection::Stale,
            };
        };
        if held.generation != generation {
            return Rejection::Stale;
        }
        let verdict = match code {
            ErrorCode::PlaybackTokenExpired | ErrorCode::PlaybackTokenInvalid => {
                let just_minted = now.saturating_duration_since(held.received_at) < held.margin;
                if held.after_rejection && just_minted {
                    Rejection::GaveUp(Error::AuthGaveUp { code: code.clone() })
                } else {
                    Rejection::Remint
                }
            }
            // A fresh token for this video would be refused the same way.
            ErrorCode::PlaybackTokenMismatch => {
                return Rejection::GaveUp(Error::AuthGaveUp { code: code.clone() });
            }
            _ => return Rejection::Unrelated,
        };
        // Zeroized as it drops; the next token starts a new chain only after a re-mint.
        slot.current = None;
        slot.remint_after_rejection = matches!(verdict, Rejection::Remint);
        slot.last_verdict = Some((generation, verdict.clone()));
        verdict
    }
}
