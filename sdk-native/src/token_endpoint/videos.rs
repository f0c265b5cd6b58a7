//! What the endpoint remembers about the ids it was asked for: which video an id names (both of
//! a video's ids lead to one entry, keyed downstream by job id), and which ids were refused, for
//! a while. Bounded: a least-recently-used cache of a fixed number of ids.
//!
//! `lru` is the smallest crate that fits: refusals carry their own deadline (no TTL machinery
//! needed) and one short lock per request needs no concurrent sharding (`moka`, `quick_cache`).

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use lru::LruCache;
use sdk_core::{IssuedToken, VideoId};
use tokio::time::Instant;

use super::Refusal;
use crate::PlaybackSession;

/// One video the API confirmed: its job id, its shared token session and the token handed out
/// last (to tell whether the next request can be answered without the API).
#[derive(Debug)]
pub(super) struct Known {
    pub(super) session: PlaybackSession,
    latest: Mutex<Option<IssuedToken>>,
}

impl Known {
    pub(super) fn new(session: PlaybackSession) -> Self {
        Self {
            session,
            latest: Mutex::new(None),
        }
    }

    /// The job id every cache and mint of this video is keyed by.
    pub(super) fn job_id(&self) -> &VideoId {
        self.session.job_id()
    }

    /// The token handed out last, if it still has more than its refresh margin to live: the
    /// session would hand out the same one without asking the API.
    pub(super) fn fresh_token(&self) -> Option<IssuedToken> {
        let latest = self.latest.lock().unwrap_or_else(PoisonError::into_inner);
        latest
            .as_ref()
            .filter(|issued| self.session.time_left(issued) > issued.margin)
            .cloned()
    }

    pub(super) fn remember(&self, issued: &IssuedToken) {
        *self.latest.lock().unwrap_or_else(PoisonError::into_inner) = Some(issued.clone());
    }
}

enum Entry {
    Known(Arc<Known>),
    Refused { refusal: Refusal, until: Instant },
}

/// What the cache knows about an id.
pub(super) enum Cached {
    /// The id names this video.
    Known(Arc<Known>),
    /// The id was refused a moment ago; the same answer stands, with the wait left.
    Refused(Refusal),
}

/// The bounded id cache.
pub(super) struct Videos {
    entries: Mutex<LruCache<VideoId, Entry>>,
    refusal_ttl: Duration,
}

impl Videos {
    pub(super) fn new(capacity: NonZeroUsize, refusal_ttl: Duration) -> Self {
        Self {
            entries: Mutex::new(LruCache::new(capacity)),
            refusal_ttl,
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, LruCache<VideoId, Entry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn get(&self, id: &VideoId) -> Option<Cached> {
        let mut entries = self.entries();
        let now = Instant::now();
        match entries.get(id)? {
            Entry::Known(known) => Some(Cached::Known(known.clone())),
            Entry::Refused { refusal, until } if *until > now => {
                let wait = refusal.retry_after().map(|_| until.duration_since(now));
                Some(Cached::Refused(refusal.clone().with_retry_after(wait)))
            }
            Entry::Refused { .. } => {
                entries.pop(id);
                None
            }
        }
    }

    /// Remembers `known` under each of `ids` (the id asked for, the video's public id and its
    /// job id).
    pub(super) fn insert_known(&self, ids: &[&VideoId], known: &Arc<Known>) {
        let mut entries = self.entries();
        for id in ids {
            entries.put((*id).clone(), Entry::Known(known.clone()));
        }
    }

    /// Remembers that `ids` were refused, for the refusal time-to-live.
    pub(super) fn insert_refused(&self, ids: &[&VideoId], refusal: &Refusal) {
        let until = Instant::now() + self.refusal_ttl;
        let mut entries = self.entries();
        for id in ids {
            let refusal = refusal.clone();
            entries.put((*id).clone(), Entry::Refused { refusal, until });
        }
    }

    /// How many ids are remembered (at most the capacity).
    pub(super) fn len(&self) -> usize {
        self.entries().len()
    }
}
