//! Daily playback-token counters keyed by (key, UTC date).

use rusqlite::OptionalExtension;

use super::{Store, StoreResult};

impl Store {
    /// Mints used by `key_id` on `day`.
    pub(crate) fn mints_used(&self, key_id: &str, day: &str) -> StoreResult<u32> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT count FROM daily_counters WHERE key_id = ?1 AND day = ?2",
                [key_id, day],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0))
    }

    /// Counts one mint if the key is still under `limit` today. Check and increment are one
    /// SQL statement, so concurrent mints can never exceed the limit. Returns the new count, or
    /// `None` when the limit is already reached.
    pub(crate) fn try_count_mint(
        &self,
        key_id: &str,
        day: &str,
        limit: u32,
    ) -> StoreResult<Option<u32>> {
        Ok(self
            .conn()?
            .query_row(
                "INSERT INTO daily_counters (key_id, day, count)
                     SELECT ?1, ?2, 1 WHERE ?3 > 0
                 ON CONFLICT (key_id, day) DO UPDATE SET count = count + 1 WHERE count < ?3
                 RETURNING count",
                rusqlite::params![key_id, day, limit],
                |r| r.get(0),
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::super::KeyRow;
    use super::*;

    #[test]
    fn counting_stops_exactly_at_the_limit() {
        let store = Store::open(None).unwrap();
        store.ensure_user("u", 0).unwrap();
        let row = KeyRow {
            id: "k".into(),
            user_id: "u".into(),
            name: "n".into(),
            prefix: "ak_live_0000".into(),
            scopes: vec!["video:read".into()],
            daily_token_limit: 3,
            created_at: 0,
            expires_at: None,
            revoked_at: None,
        };
        store.insert_key(&row, "h").unwrap();
        let counts: Vec<_> = (0..5)
            .map(|_| store.try_count_mint("k", "2025-01-01", 3).unwrap())
            .collect();
        assert_eq!(counts, vec![Some(1), Some(2), Some(3), None, None]);
        assert_eq!(store.mints_used("k", "2025-01-01").unwrap(), 3);
        assert_eq!(store.try_count_mint("k", "2025-01-02", 3).unwrap(), Some(1));
        assert_eq!(store.try_count_mint("k", "2025-01-03", 0).unwrap(), None);
    }
}
