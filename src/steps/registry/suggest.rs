//! Help with an unknown step: up to three known steps nearest to it, and a
//! `snippet` of Rust code that registers it.
//!
//! Promises: suggestions are the nearest by edit distance to the known steps'
//! examples and, with the text's values replaced by placeholders, to their patterns,
//! none farther than half the step's length (or 2); a snippet takes the
//! placeholders its text's values suggest and numbers those of one type.

use super::{Registry, StepKind};
use crate::steps::params::ParamTypes;
use crate::suggest::edit_distance_within;

impl<W> Registry<W> {
    /// Up to three known steps nearest to `text`, by edit distance to their examples
    /// and, with the text's values replaced by placeholders, to their patterns.
    pub(super) fn suggestions(&self, kind: StepKind, text: &str) -> Vec<String> {
        let step = format!("{kind} {text}");
        let inferred = format!("{kind} {}", self.types.infer_pattern(text).0);
        let limit = (step.chars().count() / 2).max(2);
        let mut scored: Vec<(usize, usize)> = self
            .defs
            .iter()
            .enumerate()
            .filter_map(|(i, def)| {
                let example = format!("{} {}", def.kind, def.example);
                let pattern = format!("{} {}", def.kind, def.pattern);
                let example = edit_distance_within(&step, &example, limit);
                let pattern = edit_distance_within(&inferred, &pattern, limit);
                Some((example.into_iter().chain(pattern).min()?, i))
            })
            .collect();
        scored.sort();
        scored
            .into_iter()
            .take(3)
            .map(|(_, i)| {
                let def = &self.defs[i];
                format!(
                    "`{kind} {}`, e.g. `{kind} {}`",
                    def.pattern,
                    def.example,
                    kind = def.kind
                )
            })
            .collect()
    }
}

/// Rust code that registers a step for `text` (normalised).
pub(super) fn snippet(types: &ParamTypes, kind: StepKind, text: &str) -> String {
    let (pattern, reads) = types.infer_pattern(text);
    let mut code = format!(
        "builder.{}({pattern:?}, {text:?}, |world, args| {{\n",
        kind.method()
    );
    for (i, (ty, read)) in reads.iter().enumerate() {
        let ty = ty.replace('-', "_");
        let same = |t: &&(String, String)| t.0.replace('-', "_") == ty;
        let variable = if reads.iter().filter(same).count() > 1 {
            let nth = reads[..=i].iter().filter(same).count();
            format!("{ty}_{nth}")
        } else {
            ty.clone()
        };
        code += &format!("    let {variable} = {read};\n");
    }
    code += "    // change `world` as the step says\n    Ok(())\n})";
    code
}

#[cfg(test)]
mod tests {
    use crate::steps::registry::LookupError;
    use crate::steps::registry::StepKind::{Then, When};
    use crate::steps::registry::tests::check;

    #[test]
    fn an_unknown_step_suggests_the_three_closest_steps_and_a_snippet() {
        let error = check(When, r#"agent "a1" is partioned from the master"#).unwrap_err();
        let LookupError::Unknown {
            suggestions,
            snippet,
            ..
        } = &error
        else {
            panic!("{error:?}");
        };
        pretty_assertions::assert_eq!(
            suggestions,
            &[
                r#"`When agent {name} is partitioned from the master`, e.g. `When agent "a1" is partitioned from the master`"#,
                r#"`When agents {names} are partitioned from the master`, e.g. `When agents "a1" and "a2" are partitioned from the master`"#,
                r#"`When agent {name} is partitioned from the master for {duration}`, e.g. `When agent "a1" is partitioned from the master for 80s`"#,
            ]
        );
        pretty_assertions::assert_eq!(
            snippet,
            r#"builder.when("agent {name} is partioned from the master", "agent \"a1\" is partioned from the master", |world, args| {
    let name = args.name(0);
    // change `world` as the step says
    Ok(())
})"#
        );
        let message = error.to_string();
        assert!(message.starts_with("unknown step `When agent \"a1\" is partioned from the master`\ndid you mean:\n  `When agent {name}"), "{message}");
    }

    #[test]
    fn a_snippet_numbers_placeholders_of_the_same_type() {
        let error = check(Then, r#""spark" kills task "t1" after 80s"#).unwrap_err();
        let LookupError::Unknown { snippet, .. } = error else {
            panic!("{error:?}");
        };
        pretty_assertions::assert_eq!(
            snippet,
            r#"builder.then("{name} kills task {name} after {duration}", "\"spark\" kills task \"t1\" after 80s", |world, args| {
    let name_1 = args.name(0);
    let name_2 = args.name(1);
    let duration = args.duration(2);
    // change `world` as the step says
    Ok(())
})"#
        );
    }

    #[test]
    fn a_step_far_from_every_known_step_gets_no_suggestions() {
        let error = check(Then, "zzz").unwrap_err();
        assert!(
            matches!(&error, LookupError::Unknown { suggestions, .. } if suggestions.is_empty()),
            "{error:?}"
        );
    }
}
