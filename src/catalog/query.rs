//! Catalog queries: listing filters and the typo-tolerant text search.

use super::model::*;

/// Filters for listing techniques. `None` means "any".
#[derive(Debug, Default, Clone)]
pub struct TechniqueFilter<'a> {
    /// Only this modality.
    pub modality: Option<Modality>,
    /// Only techniques best for this condition id.
    pub condition: Option<&'a str>,
}

impl TechniqueFilter<'_> {
    /// Whether `t` passes every filter.
    pub fn matches(&self, t: &Technique) -> bool {
        self.modality.is_none_or(|m| t.modality == m)
            && self
                .condition
                .is_none_or(|c| t.best_for.iter().any(|b| b == c))
    }
}

/// Filters for listing exercises. `None` means "any".
#[derive(Debug, Default, Clone)]
pub struct ExerciseFilter<'a> {
    /// Only exercises suitable for this condition id.
    pub condition: Option<&'a str>,
    /// Only exercises working this area.
    pub area: Option<Area>,
    /// Only exercises that need this equipment (`none`: nothing at all).
    pub equipment: Option<Equipment>,
    /// Only exercises done in this position.
    pub position: Option<Position>,
    /// Only exercises of this kind.
    pub kind: Option<ExerciseKind>,
    /// `true`: safe in pregnancy as described or with the noted change;
    /// `false`: the others.
    pub pregnancy_safe: Option<bool>,
    /// Free text over names, aliases and summaries.
    pub q: Option<&'a str>,
}

impl Exercise {
    /// Whether the exercise may be done in pregnancy (as described, or with
    /// the change in its pregnancy note).
    pub fn pregnancy_safe(&self) -> bool {
        self.pregnancy.status != PregnancySafety::Avoid
    }
}

impl ExerciseFilter<'_> {
    fn matches(&self, e: &Exercise) -> bool {
        self.condition
            .is_none_or(|c| e.suitable_for.iter().any(|s| s == c))
            && self.area.is_none_or(|a| e.areas.contains(&a))
            && self.equipment.is_none_or(|q| e.equipment.contains(&q))
            && self.position.is_none_or(|p| e.position == p)
            && self.kind.is_none_or(|k| e.kind == k)
            && self.pregnancy_safe.is_none_or(|p| e.pregnancy_safe() == p)
    }
}

/// Lower-cased words of each exercise's name, aliases and summary, built once
/// at load so a search does no text processing on the catalog side.
#[derive(Debug, Default)]
pub(super) struct SearchIndex {
    /// Per exercise (same order as the catalog): (weight, words) per field.
    docs: Vec<[(u32, Vec<String>); 3]>,
}

/// Text as search compares it: compatibility-decomposed (NFKD, so a
/// precomposed `é` and `e` with a combining accent are the same), without
/// combining marks, soft hyphens or zero-width characters, and lower-cased.
/// unicode-normalization does the decomposition; its tables are the
/// Unicode standard's, which no hand-written fold would keep up with.
pub(crate) fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    text.nfkd()
        .filter(|c| {
            !is_combining_mark(*c)
                && !matches!(
                    c,
                    '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}'
                )
        })
        .flat_map(char::to_lowercase)
        .collect()
}

pub(crate) fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// How many edits a query word of this length may be away from a match: none
/// for short words (too many false hits), one from four letters, two from eight.
fn allowed_edits(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Scores how well a query word matches a document word: 3 exact, 2 prefix,
/// 1 within the typo allowance, 0 no match.
fn word_score(query: &str, word: &str) -> u32 {
    if word == query {
        return 3;
    }
    if query.len() >= 3 && word.starts_with(query) {
        return 2;
    }
    let allowed = allowed_edits(query.chars().count());
    // Words whose lengths differ by more than the allowance cannot be
    // within it: no need to compute the distance (a 100-letter query would
    // otherwise cost a full table against every catalog word).
    if allowed == 0 || query.chars().count().abs_diff(word.chars().count()) > allowed {
        return 0;
    }
    u32::from(strsim::damerau_levenshtein(query, word) <= allowed)
}

impl SearchIndex {
    pub(super) fn build(exercises: &[Exercise]) -> Self {
        let docs = exercises
            .iter()
            .map(|e| {
                [
                    (3, words(&e.name)),
                    (2, e.aliases.iter().flat_map(|a| words(a)).collect()),
                    (1, words(&e.summary)),
                ]
            })
            .collect();
        Self { docs }
    }

    /// The relevance of exercise `index` to the query words, or `None` when
    /// some query word matches nothing. Every query word must match.
    fn score(&self, index: usize, query: &[String]) -> Option<u32> {
        let doc = &self.docs[index];
        query.iter().try_fold(0, |total, q| {
            let best = doc
                .iter()
                .map(|(weight, ws)| weight * ws.iter().map(|w| word_score(q, w)).max().unwrap_or(0))
                .max()
                .unwrap_or(0);
            (best > 0).then_some(total + best)
        })
    }
}

impl super::Catalog {
    /// Techniques passing `filter`, in id order.
    pub fn find_techniques<'c>(&'c self, filter: &TechniqueFilter<'_>) -> Vec<&'c Technique> {
        self.techniques
            .iter()
            .filter(|t| filter.matches(t))
            .collect()
    }

    /// Exercises passing `filter`: in id order, or with a text query, best
    /// match first and id order among equals.
    pub fn find_exercises<'c>(&'c self, filter: &ExerciseFilter<'_>) -> Vec<&'c Exercise> {
        let query: Option<Vec<String>> = filter.q.map(words);
        let mut hits: Vec<(u32, &Exercise)> = self
            .exercises
            .iter()
            .enumerate()
            .filter(|(_, e)| filter.matches(e))
            .filter_map(|(i, e)| match &query {
                None => Some((0, e)),
                // A query of only punctuation has nothing to match.
                Some(words) if words.is_empty() => None,
                Some(words) => self.search.score(i, words).map(|s| (s, e)),
            })
            .collect();
        // Stable sort keeps id order among equal scores.
        hits.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
        hits.into_iter().map(|(_, e)| e).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_accents_soft_hyphens_and_case_fold_alike() {
        assert_eq!(fold("Hamstring"), fold("ham\u{ad}string"));
        assert_eq!(fold("caf\u{e9}"), fold("cafe\u{301}"));
        assert_eq!(
            fold("ＣＡＴ"),
            "cat",
            "full-width letters are compatibility forms"
        );
        assert_eq!(words("Knee-to-chest\u{200b}!"), vec!["knee", "to", "chest"]);
    }

    #[test]
    fn typos_match_within_their_allowance_and_lengths_rule_out_the_rest() {
        assert_eq!(word_score("hamstrng", "hamstring"), 1);
        assert_eq!(word_score("ham", "hamstring"), 2);
        assert_eq!(
            word_score("cat", "bat"),
            0,
            "short words need an exact match"
        );
        let long = "a".repeat(100);
        assert_eq!(word_score(&long, "hamstring"), 0);
    }
}
