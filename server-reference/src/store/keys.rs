//! API keys: stored as SHA-256 hash + 12-character prefix; revocation is a soft delete.

use rusqlite::{Connection, OptionalExtension, Row};

use super::{Store, StoreResult};

/// One API key, without the key itself.
#[derive(Debug, Clone)]
pub(crate) struct KeyRow {
    pub(crate) id: String,
    pub(crate) user_id: String,
    pub(crate) name: String,
    pub(crate) prefix: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) daily_token_limit: u32,
    pub(crate) created_at: i64,
    pub(crate) expires_at: Option<i64>,
    pub(crate) revoked_at: Option<i64>,
}

const COLUMNS: &str =
    "id, user_id, name, prefix, scopes, daily_token_limit, created_at, expires_at, revoked_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<KeyRow> {
    let scopes: String = r.get(4)?;
    Ok(KeyRow {
        id: r.get(0)?,
        user_id: r.get(1)?,
        name: r.get(2)?,
        prefix: r.get(3)?,
        scopes: scopes
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        daily_token_limit: r.get(5)?,
        created_at: r.get(6)?,
        expires_at: r.get(7)?,
        revoked_at: r.get(8)?,
    })
}

fn insert(conn: &Connection, row: &KeyRow, key_hash: &str) -> StoreResult<()> {
    conn.execute(
        &format!(
            "INSERT INTO api_keys ({COLUMNS}, key_hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        ),
        rusqlite::params![
            row.id,
            row.user_id,
            row.name,
            row.prefix,
            row.scopes.join(" "),
            row.daily_token_limit,
            row.created_at,
            row.expires_at,
            row.revoked_at,
            key_hash
        ],
    )?;
    Ok(())
}

impl Store {
    /// Stores a key by its hash.
    pub(crate) fn insert_key(&self, row: &KeyRow, key_hash: &str) -> StoreResult<()> {
        insert(&*self.conn()?, row, key_hash)
    }

    /// Looks a presented key up by its hash (no cache: revocation applies on the next request).
    pub(crate) fn key_by_hash(&self, key_hash: &str) -> StoreResult<Option<KeyRow>> {
        Ok(self
            .conn()?
            .query_row(
                &format!("SELECT {COLUMNS} FROM api_keys WHERE key_hash = ?1"),
                [key_hash],
                from_row,
            )
            .optional()?)
    }

    /// A key by its id (the `kid` of the playback tokens it minted).
    pub(crate) fn key_by_id(&self, id: &str) -> StoreResult<Option<KeyRow>> {
        Ok(self
            .conn()?
            .query_row(
                &format!("SELECT {COLUMNS} FROM api_keys WHERE id = ?1"),
                [id],
                from_row,
            )
            .optional()?)
    }

    /// Every key of a user, revoked ones included, oldest first; at most `max` (the cap on a
    /// user's keys keeps every listing within it).
    pub(crate) fn keys_of(&self, user_id: &str, max: u32) -> StoreResult<Vec<KeyRow>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM api_keys WHERE user_id = ?1 ORDER BY created_at, rowid LIMIT ?2"
        ))?;
        let rows = stmt.query_map(rusqlite::params![user_id, max], from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Creates a key unless the user is at a limit: `max_active` keys that are neither
    /// revoked nor expired, or `max_total` keys in all (revoked and expired ones stay for
    /// audit, so they count too). The counts and the insert happen in one transaction.
    /// `Ok(false)` means a limit was reached.
    pub(crate) fn insert_key_within_limit(
        &self,
        row: &KeyRow,
        key_hash: &str,
        now: i64,
        max_active: u32,
        max_total: u32,
    ) -> StoreResult<bool> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let (total, active): (u32, u32) = tx.query_row(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE revoked_at IS NULL
                                                AND (expires_at IS NULL OR expires_at > ?2))
               FROM api_keys WHERE user_id = ?1",
            (&row.user_id, now),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if active >= max_active || total >= max_total {
            return Ok(false);
        }
        insert(&tx, row, key_hash)?;
        tx.commit()?;
        Ok(true)
    }

    /// Soft-deletes a user's key (idempotent: the first revocation time is kept).
    pub(crate) fn revoke_key(
        &self,
        user_id: &str,
        key_id: &str,
        now: i64,
    ) -> StoreResult<Option<KeyRow>> {
        let conn = self.conn()?;
        conn.execute(
            "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?3) WHERE id = ?1 AND user_id = ?2",
            (key_id, user_id, now),
        )?;
        Ok(conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM api_keys WHERE id = ?1 AND user_id = ?2"),
                [key_id, user_id],
                from_row,
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u32) -> KeyRow {
        KeyRow {
            id: format!("k{n}"),
            user_id: "u".into(),
            name: "n".into(),
            prefix: "ak_live_0000".into(),
            scopes: vec!["video:read".into()],
            daily_token_limit: 1,
            created_at: 0,
            expires_at: None,
            revoked_at: None,
        }
    }

    #[test]
    fn c6_revoked_keys_count_against_the_total() {
        let store = Store::open(None).unwrap();
        store.ensure_user("u", 0).unwrap();
        for n in 0..3 {
            let inserted = store
                .insert_key_within_limit(&key(n), &format!("h{n}"), 0, 2, 3)
                .unwrap();
            assert!(inserted, "{n}");
            store.revoke_key("u", &format!("k{n}"), 0).unwrap();
        }
        // No key is active, yet the store is full for this user.
        assert!(
            !store
                .insert_key_within_limit(&key(3), "h3", 0, 2, 3)
                .unwrap()
        );
        assert_eq!(store.keys_of("u", 10).unwrap().len(), 3);
        assert_eq!(store.keys_of("u", 2).unwrap().len(), 2);
    }
}
