//! [`Name`]: the name of a task or a framework, shared rather than copied.
//!
//! A name is made once, when a spec declares the task or framework, and then
//! travels in every message, update, map key and trace entry about it. A `Name`
//! is a reference-counted string: copying it is a count, not an allocation, and
//! the trace's thousands of entries about one task hold one string between them.
//! It reads, orders, hashes and prints exactly like the string it holds, so maps
//! keyed by names keep their order (by name) and the trace its text.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

/// A task's or framework's name: an immutable string that is cheap to copy.
#[derive(Clone)]
pub struct Name(Arc<str>);

impl Name {
    pub fn new(name: &str) -> Name {
        Name(Arc::from(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Name {
    fn default() -> Self {
        Name::new("")
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        // One declaration shares one string: most equal names are the same one.
        Arc::ptr_eq(&self.0, &other.0) || *self.0 == *other.0
    }
}

impl Eq for Name {}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    /// The order of the text, byte by byte; one shared string is equal to itself
    /// without a look at its text.
    fn cmp(&self, other: &Name) -> Ordering {
        if Arc::ptr_eq(&self.0, &other.0) {
            Ordering::Equal
        } else {
            self.0.as_bytes().cmp(other.0.as_bytes())
        }
    }
}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (*self.0).hash(state)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl From<&str> for Name {
    fn from(name: &str) -> Name {
        Name::new(name)
    }
}

impl From<&String> for Name {
    fn from(name: &String) -> Name {
        Name::new(name)
    }
}

impl From<String> for Name {
    fn from(name: String) -> Name {
        Name(Arc::from(name))
    }
}

impl From<&Name> for Name {
    fn from(name: &Name) -> Name {
        name.clone()
    }
}

impl From<Name> for String {
    fn from(name: Name) -> String {
        name.0.to_string()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == &*other.0
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        **self == *other.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn names_order_as_their_text_does_whether_shared_or_not() {
        let b = Name::from("b");
        let mut names = [
            Name::from("t10"),
            b.clone(),
            Name::from("a"),
            b,
            Name::from("t2"),
        ];
        names.sort();
        let text: Vec<&str> = names.iter().map(Name::as_str).collect();
        assert_eq!(text, ["a", "b", "b", "t10", "t2"]);
    }

    #[test]
    fn names_of_any_length_order_as_their_bytes() {
        let words = [
            "",
            "a",
            "a\0",
            "a\0b",
            "ab",
            "abcdefgh",
            "abcdefgh\0",
            "abcdefghi",
            "abcdefgi",
            "t1-10",
            "t1-9",
            "t10-1",
            "\u{e9}t\u{e9}",
            "zz",
        ];
        for x in words {
            for y in words {
                assert_eq!(
                    Name::from(x).cmp(&Name::from(y)),
                    x.cmp(y),
                    "{x:?} vs {y:?}"
                );
            }
        }
    }

    #[test]
    fn a_map_keyed_by_names_is_found_by_plain_text() {
        let map: BTreeMap<Name, u32> = [(Name::from("spark"), 1)].into_iter().collect();
        assert_eq!(map.get("spark"), Some(&1));
        assert_eq!(map.get("cassandra"), None);
    }

    #[test]
    fn a_name_prints_and_compares_as_its_text() {
        let name = Name::from(String::from("t1"));
        assert_eq!(name.to_string(), "t1");
        assert_eq!(format!("{name:?}"), "\"t1\"");
        assert_eq!(name, "t1");
        assert_eq!("t1", name);
        assert_ne!(name, Name::from("t2"));
    }
}
