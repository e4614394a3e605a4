//! "Did you mean" suggestions: edit distance and nearest candidates.
//!
//! Shared by the spec parser (misspelt keywords and tags), the step registry
//! (closest known steps) and the model's name parsers (states, reasons, flags).
//! Pure functions; ties keep the candidates' order, so suggestions are deterministic.

/// Edit distance between two strings, counted in `char`s, ASCII case-insensitive:
/// insertions, deletions, substitutions, and swaps of two neighbours (`@unti` is one
/// edit from `@unit`), each counting one (optimal string alignment).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    // Three rows: two back (for swaps), one back, and the current one.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for i in 0..a.len() {
        current[0] = i + 1;
        for j in 0..b.len() {
            let substitution = previous[j] + usize::from(a[i] != b[j]);
            let mut best = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
            if i > 0 && j > 0 && a[i] == b[j - 1] && a[i - 1] == b[j] {
                best = best.min(before[j - 1] + 1);
            }
            current[j + 1] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// [`edit_distance`] if it is at most `limit`. Strings whose lengths differ by more
/// than `limit` are that far apart at least, and are not compared: a text of
/// megabytes against short candidates costs a count of its chars, not a table.
pub fn edit_distance_within(a: &str, b: &str, limit: usize) -> Option<usize> {
    let (a_len, b_len) = (a.chars().count(), b.chars().count());
    if a_len.abs_diff(b_len) > limit {
        return None;
    }
    Some(edit_distance(a, b)).filter(|d| *d <= limit)
}

/// Up to `n` candidates nearest to `input`, nearest first, leaving out those so far
/// away that suggesting them would be noise (more than half the input's length).
pub fn closest<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    n: usize,
) -> Vec<&'a str> {
    let limit = (input.chars().count() / 2).max(2);
    let mut scored: Vec<(usize, usize, &str)> = candidates
        .into_iter()
        .enumerate()
        .filter_map(|(i, c)| Some((edit_distance_within(input, c, limit)?, i, c)))
        .collect();
    scored.sort();
    scored.into_iter().take(n).map(|(_, _, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use test_case::test_case;

    #[test_case("Scenaro", "Scenario" => 1 ; "one letter missing")]
    #[test_case("kitten", "sitting" => 3 ; "the classic example")]
    #[test_case("GIVEN", "given" => 0 ; "case is ignored")]
    #[test_case("", "abc" => 3 ; "from empty")]
    #[test_case("unti", "unit" => 1 ; "a swap of neighbours is one edit")]
    fn edit_distance_counts_single_character_edits(a: &str, b: &str) -> usize {
        edit_distance(a, b)
    }

    #[test]
    fn closest_ranks_nearer_candidates_first_and_drops_distant_ones() {
        let candidates = ["Scenario", "Examples", "Feature", "Background"];
        assert_eq!(closest("Exmples", candidates, 3), vec!["Examples"]);
        assert!(closest("zzzzzzzz", candidates, 3).is_empty());
    }

    #[test]
    fn a_text_far_longer_than_the_candidates_is_not_compared_cell_by_cell() {
        let long = "a".repeat(10 * 1024 * 1024);
        assert_eq!(edit_distance_within(&long, "agent", 5), None);
        assert_eq!(closest(&long, ["agent", "task"], 3), Vec::<&str>::new());
        assert_eq!(edit_distance_within("Scenaro", "Scenario", 2), Some(1));
    }
}
