//! Card ids that prove this service issued them, so feedback is counted
//! only for real cards.
//!
//! A card's `uuid` is a version 4 UUID whose 122 free bits are a 64-bit
//! nonce and a 58-bit HMAC-SHA256 tag of it. Feedback names the
//! card by that id alone, and the tag is checked without keeping any
//! record of issued cards: no memory that grows with traffic, and any
//! replica holding the same key accepts any other's cards. Forging an id
//! means guessing a 58-bit tag.
//!
//! The key is random per process unless `--cds-card-key-file` gives one;
//! give every replica the same file so feedback reaching another replica,
//! or arriving after a restart, is still counted.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

static KEY: OnceLock<Hmac<Sha256>> = OnceLock::new();

/// The shortest key file accepted, in bytes (the HMAC-SHA256 output size).
pub const MIN_KEY: usize = 32;

/// Keys card ids with `secret` from now on. Call it once, before serving:
/// ids issued under another key stop being recognised.
pub fn set_key(secret: &[u8]) -> Result<(), String> {
    if secret.len() < MIN_KEY {
        return Err(format!(
            "the card key is {} bytes; it needs at least {MIN_KEY} random bytes",
            secret.len()
        ));
    }
    let mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|e| e.to_string())?;
    KEY.set(mac)
        .map_err(|_| "the card key is already set".to_owned())
}

fn key() -> &'static Hmac<Sha256> {
    KEY.get_or_init(|| {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).expect("the operating system's random source works");
        Hmac::<Sha256>::new_from_slice(&secret).expect("HMAC takes a key of any length")
    })
}

/// The 58-bit tag of `nonce`.
fn tag(nonce: u64) -> u64 {
    let mut mac = key().clone();
    mac.update(b"backcare card id v1");
    mac.update(&nonce.to_be_bytes());
    let out = mac.finalize().into_bytes();
    let mut first = [0u8; 8];
    first.copy_from_slice(&out[..8]);
    u64::from_be_bytes(first) >> 6
}

const LOW_62: u128 = (1 << 62) - 1;

/// Where nonces come from: a randomly keyed hash (SipHash, std's) of a
/// counter. Unlike a random number per card it costs no system call, and
/// unlike the counter itself it does not tell how many cards came before.
/// Distinct counters give distinct nonces but for a 2^-64 chance, the same
/// odds as random ones; a nonce need not be secret, the tag is.
struct Nonces {
    key: RandomState,
    counter: AtomicU64,
}

fn nonce() -> u64 {
    static NONCES: OnceLock<Nonces> = OnceLock::new();
    let nonces = NONCES.get_or_init(|| Nonces {
        key: RandomState::new(),
        counter: AtomicU64::new(0),
    });
    nonces
        .key
        .hash_one(nonces.counter.fetch_add(1, Ordering::Relaxed))
}

/// A new card id.
pub fn issue() -> String {
    let nonce = nonce();
    let free = (u128::from(nonce) << 58) | u128::from(tag(nonce));
    // 48 free bits, version 4, 12 free bits, variant 10, 62 free bits.
    let uuid = ((free >> 74) << 80)
        | (0x4 << 76)
        | (((free >> 62) & 0xfff) << 64)
        | (0b10 << 62)
        | (free & LOW_62);
    // 8-4-4-4-12 hex digits.
    let mut text = String::with_capacity(36);
    for i in 0..32 {
        if matches!(i, 8 | 12 | 16 | 20) {
            text.push('-');
        }
        let nibble = (uuid >> (4 * (31 - i))) & 0xf;
        text.push(char::from(b"0123456789abcdef"[nibble as usize]));
    }
    text
}

/// The 128 bits a version 4 UUID in its 8-4-4-4-12 form stands for, in
/// either case; `None` for anything else.
pub fn number(id: &str) -> Option<u128> {
    let bytes = id.as_bytes();
    if bytes.len() != 36 || [8, 13, 18, 23].iter().any(|&i| bytes[i] != b'-') {
        return None;
    }
    let hex: String = id.split('-').collect();
    // from_str_radix accepts a leading `+`; a UUID has 32 hex digits.
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let uuid = u128::from_str_radix(&hex, 16).ok()?;
    ((uuid >> 76) & 0xf == 4 && (uuid >> 62) & 0b11 == 0b10).then_some(uuid)
}

/// Whether `id` is a card id issued under the current key.
pub fn issued(id: &str) -> bool {
    let Some(uuid) = number(id) else {
        return false;
    };
    let free = ((uuid >> 80) << 74) | (((uuid >> 64) & 0xfff) << 62) | (uuid & LOW_62);
    let nonce = (free >> 58) as u64;
    let given = (free & ((1 << 58) - 1)) as u64;
    // One comparison of two integers: its time does not depend on where
    // they differ.
    given == tag(nonce)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_ids_are_version_4_uuids_that_verify_and_differ() {
        let (a, b) = (issue(), issue());
        assert_ne!(a, b);
        for id in [&a, &b] {
            assert_eq!(id.len(), 36, "{id}");
            assert_eq!(&id[14..15], "4", "{id}");
            assert!("89ab".contains(&id[19..20]), "{id}");
            assert!(issued(id), "{id}");
            assert!(issued(&id.to_uppercase()), "{id}: case does not matter");
        }
    }

    #[test]
    fn ten_thousand_ids_are_all_different_and_all_ours() {
        let ids: std::collections::HashSet<String> = (0..10_000).map(|_| issue()).collect();
        assert_eq!(ids.len(), 10_000);
        assert!(ids.iter().all(|id| issued(id)));
    }

    #[test]
    fn made_up_and_altered_ids_are_not_ours() {
        let id = issue();
        for i in (0..36).filter(|i| ![8, 13, 14, 18, 19, 23].contains(i)) {
            let mut altered = id.clone().into_bytes();
            altered[i] = if altered[i] == b'0' { b'1' } else { b'0' };
            let altered = String::from_utf8(altered).unwrap();
            assert!(!issued(&altered), "{altered} (from {id})");
        }
        for other in [
            "9d7e2a1c-0b5f-4c3e-8a21-3f6b7c9d0e12",
            "",
            "not-a-uuid",
            "+d7e2a1c-0b5f-4c3e-8a21-3f6b7c9d0e12",
            &id.replace('-', ""),
        ] {
            assert!(!issued(other), "{other}");
        }
    }
}
