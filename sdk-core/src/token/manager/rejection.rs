//! A player's token was refused: decide between re-minting once, ignoring a stale refusal, and
//! giving up. The one place that knows which refusals a fresh token heals: every front end (the
//! Rust client, the browser player, the hls.js loader) reports what it saw and obeys.

use crate::catalog::ErrorCode;
use crate::clock::Instant;
use crate::error::Error;
use crate::model::VideoId;

use super::TokenManager;
use crate::token::types::{Generation, PlaybackEvent, Refusal, Rejection};

/// What a refusal says about the token.
enum Verdict {
    /// Expired or invalid: one fresh token may heal it. Carries the code to give up with.
    Heal(ErrorCode),
    /// Bound to another video: a fresh token for this video is refused the same way.
    Hopeless(ErrorCode),
    /// Not about the token.
    Unrelated,
}

/// Sorts a refusal. Only 401 and 403 refuse a token; the code decides which way.
fn classify(refusal: &Refusal) -> Verdict {
    let (401 | 403) = refusal.status else {
        return Verdict::Unrelated;
    };
    match &refusal.code {
        Some(code @ (ErrorCode::PlaybackTokenExpired | ErrorCode::PlaybackTokenInvalid)) => {
            Verdict::Heal(code.clone())
        }
        Some(code @ ErrorCode::PlaybackTokenMismatch) => Verdict::Hopeless(code.clone()),
        Some(_) => Verdict::Unrelated,
        // A body that could not be read: the playback routes answer 401 only about the token,
        // and one re-mint is the cheap way to find out. Their only 403 about the token is a
        // mismatch, which no re-mint heals, so a bodiless 403 is surfaced as it came.
        None if refusal.status == 401 => Verdict::Heal(ErrorCode::PlaybackTokenExpired),
        None => Verdict::Unrelated,
    }
}

impl TokenManager {
    /// A player's request with the token of `generation` for `video` was refused: `refusal` is
    /// what the front end saw (the HTTP status and the body's code, if it could read one; a
    /// `&ErrorCode` stands for a refusal with the catalog's status). Returns what the player
    /// should do:
    ///
    /// - [`Stale`](Rejection::Stale) when that token was already replaced: request the current
    ///   one and retry;
    /// - [`Remint`](Rejection::Remint) for an expired or invalid current token (or a 401 whose
    ///   body could not be read): it is dropped, and the next
    ///   [`request_token`](Self::request_token) mints a fresh one;
    /// - [`GaveUp`](Rejection::GaveUp) with [`Error::AuthGaveUp`] when the refused token was
    ///   itself minted after a refusal less than a margin ago (re-mint once, never in a loop),
    ///   or for a token bound to another video (`PLAYBACK_TOKEN_MISMATCH`). A healing token
    ///   refused later, after a margin of use, is a new incident and gets its own re-mint;
    /// - [`Unrelated`](Rejection::Unrelated) for anything else: another status, a code that is
    ///   not about the token (e.g. `NO_KEY`), a 403 without a readable code. The player
    ///   surfaces the answer as it came.
    ///
    /// A front end retries exactly when told to (`Remint` or `Stale`) and needs no flag of its
    /// own: a retry always carries a newer token, and a token minted to heal that is refused at
    /// once gets `GaveUp`. Several fetches refused with the same token get the same answer and
    /// cause one re-mint. Every `GaveUp` is also told to the application as
    /// [`PlaybackEvent::GaveUp`].
    pub fn handle_rejection(
        &mut self,
        video: &VideoId,
        generation: Generation,
        refusal: impl Into<Refusal>,
        now: Instant,
    ) -> Rejection {
        let verdict = self.decide(video, generation, &refusal.into(), now);
        if let Rejection::GaveUp(error) = &verdict {
            self.notices.push_back(PlaybackEvent::GaveUp {
                video: video.clone(),
                error: error.clone(),
            });
        }
        verdict
    }

    fn decide(
        &mut self,
        video: &VideoId,
        generation: Generation,
        refusal: &Refusal,
        now: Instant,
    ) -> Rejection {
        let heal_code = match classify(refusal) {
            Verdict::Unrelated => return Rejection::Unrelated,
            Verdict::Hopeless(code) => return Rejection::GaveUp(Error::AuthGaveUp { code }),
            Verdict::Heal(code) => code,
        };
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
        let just_minted = now.saturating_duration_since(held.received_at) < held.margin;
        let verdict = if held.after_rejection && just_minted {
            Rejection::GaveUp(Error::AuthGaveUp { code: heal_code })
        } else {
            Rejection::Remint
        };
        // Zeroized as it drops; the next token starts a new chain only after a re-mint.
        slot.current = None;
        slot.remint_after_rejection = matches!(verdict, Rejection::Remint);
        slot.last_verdict = Some((generation, verdict.clone()));
        verdict
    }
}
