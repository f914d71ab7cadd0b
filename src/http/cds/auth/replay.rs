//! The `jti` values already seen, so a captured token cannot be sent again
//! while it is still valid.
//!
//! Bounded: at most [`ReplayCache::capacity`] entries, each kept only until
//! its token expires (plus the clock skew). When the cache is full, expired
//! entries are dropped; if none has expired, the new token is refused
//! rather than an unexpired entry evicted, since evicting one would let
//! that token be replayed. Only tokens whose signature and claims have
//! already been checked are recorded, so filling the cache takes a trusted
//! issuer's key, and even then it only refuses calls for at most one token
//! lifetime (5 minutes).
//!
//! The cache lives in one process: a token replayed to another replica
//! within its lifetime is not detected there. CDS Hooks tokens are short
//! lived and sent over TLS, which is the spec's own defence.

use std::collections::HashMap;
use std::sync::Mutex;

/// Why a token was not recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// This (issuer, `jti`) was seen and has not expired.
    Replayed,
    /// The cache is full of unexpired entries.
    Full,
}

/// Seen (issuer, `jti`) pairs and when each may be forgotten.
#[derive(Debug)]
pub struct ReplayCache {
    capacity: usize,
    inner: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    /// (issuer index, jti) -> the second after which it may be forgotten.
    until: HashMap<(usize, Box<str>), u64>,
    /// The earliest `until` in the map (or later): no sweep can free
    /// anything before then, so a full cache is not swept on every call.
    earliest: u64,
}

impl ReplayCache {
    /// A cache of at most `capacity` entries.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            inner: Mutex::new(Seen::default()),
        }
    }

    /// The most entries kept.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Entries kept now.
    pub fn len(&self) -> usize {
        self.lock().until.len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        // Every update is one map call, so a panic elsewhere cannot leave
        // the data half-written: a poisoned lock's contents are sound.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records `jti` from `issuer` as used until `until` (seconds since
    /// the epoch), at time `now`; refuses it if it is already recorded and
    /// unexpired, or if there is no room.
    pub fn record(&self, issuer: usize, jti: &str, until: u64, now: u64) -> Result<(), Refused> {
        let mut seen = self.lock();
        let key = (issuer, Box::<str>::from(jti));
        if let Some(&kept) = seen.until.get(&key) {
            if kept >= now {
                return Err(Refused::Replayed);
            }
            seen.until.insert(key, until);
            return Ok(());
        }
        if seen.until.len() >= self.capacity {
            if now <= seen.earliest {
                return Err(Refused::Full);
            }
            seen.until.retain(|_, kept| *kept >= now);
            seen.earliest = seen.until.values().copied().min().unwrap_or(u64::MAX);
            if seen.until.len() >= self.capacity {
                return Err(Refused::Full);
            }
        }
        seen.earliest = seen.earliest.min(until);
        seen.until.insert(key, until);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jti_is_refused_until_it_expires_and_issuers_are_apart() {
        let cache = ReplayCache::new(10);
        assert_eq!(cache.record(0, "a", 100, 50), Ok(()));
        assert_eq!(cache.record(0, "a", 100, 60), Err(Refused::Replayed));
        assert_eq!(cache.record(1, "a", 100, 60), Ok(()), "another issuer");
        assert_eq!(cache.record(0, "a", 100, 100), Err(Refused::Replayed));
        assert_eq!(cache.record(0, "a", 200, 101), Ok(()), "expired, reused");
    }

    #[test]
    fn a_full_cache_refuses_until_entries_expire_and_never_grows() {
        let cache = ReplayCache::new(3);
        for (i, until) in [(0, 100), (1, 110), (2, 120)] {
            assert_eq!(cache.record(0, &i.to_string(), until, 10), Ok(()));
        }
        assert_eq!(cache.record(0, "x", 130, 20), Err(Refused::Full));
        assert_eq!(cache.record(0, "x", 130, 100), Err(Refused::Full));
        assert_eq!(cache.len(), 3);
        // One has expired at 101: the sweep makes room for one.
        assert_eq!(cache.record(0, "x", 130, 101), Ok(()));
        assert_eq!(cache.record(0, "y", 130, 101), Err(Refused::Full));
        assert_eq!(cache.len(), 3);
        // All have expired: room for everyone again.
        assert_eq!(cache.record(0, "y", 200, 131), Ok(()));
        assert_eq!(cache.len(), 1);
    }
}
