//! Sets of catalog positions (conditions, red flags), one bit each: what a
//! person has and what an entry suits are compared a word at a time.

/// A set of positions in one of the catalog's lists.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PositionSet(Vec<u64>);

impl PositionSet {
    /// The set holding `positions`.
    pub fn of(positions: impl Iterator<Item = usize>) -> Self {
        let mut words = Vec::new();
        for p in positions {
            let word = p / 64;
            if words.len() <= word {
                words.resize(word + 1, 0);
            }
            words[word] |= 1 << (p % 64);
        }
        Self(words)
    }

    /// Whether `position` is in the set.
    pub fn contains(&self, position: u16) -> bool {
        let p = usize::from(position);
        self.0.get(p / 64).is_some_and(|w| w & (1 << (p % 64)) != 0)
    }

    /// How many positions the two sets share.
    pub fn overlap(&self, other: &Self) -> usize {
        self.0
            .iter()
            .zip(&other.0)
            .map(|(a, b)| (a & b).count_ones() as usize)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Membership and overlap agree with plain lists, across words.
        #[test]
        fn agrees_with_lists(
            a in proptest::collection::btree_set(0usize..300, 0..40),
            b in proptest::collection::btree_set(0usize..300, 0..40),
        ) {
            let (sa, sb) = (PositionSet::of(a.iter().copied()), PositionSet::of(b.iter().copied()));
            for p in 0..300u16 {
                prop_assert_eq!(sa.contains(p), a.contains(&usize::from(p)));
            }
            prop_assert_eq!(sa.overlap(&sb), a.intersection(&b).count());
        }
    }
}
