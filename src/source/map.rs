//! The values map: its entries in one list sorted by key.
//!
//! A values file holds many small maps (each host and each path is one), and a B-tree gives every
//! one of them a node of eleven slots: at 5000 hosts that was a third of the run's memory. A sorted
//! list holds exactly its entries and is searched by bisection. Maps are built whole (the readers
//! sort their entries once) or grown by [`Map::append_new`], which sorts an appended run in linear
//! time, so no merge is quadratic; [`Map::insert`] shifts entries and is kept for the few keys of
//! `--set` and of built maps.

use std::fmt;

use super::Node;

/// A map sorted by key: Helm's maps are unordered and every output sorts them.
#[derive(Clone, Default, PartialEq)]
pub struct Map {
    entries: Vec<(String, Node)>,
}

/// The error of [`Map::from_entries`]: a key given twice.
#[derive(Debug, PartialEq, Eq)]
pub struct DuplicateKey(pub String);

type Ref<'a> = (&'a String, &'a Node);

impl Map {
    pub const fn new() -> Self {
        Map {
            entries: Vec::new(),
        }
    }

    /// Builds a map from entries in any order; a key given twice is an error.
    pub fn from_entries(mut entries: Vec<(String, Node)>) -> Result<Map, DuplicateKey> {
        if !entries.is_sorted_by(|a, b| a.0 < b.0) {
            // stable, so that of two equal keys the first stays first for the message
            entries.sort_by(by_key);
            if let Some(pair) = entries.windows(2).find(|w| w[0].0 == w[1].0) {
                return Err(DuplicateKey(pair[0].0.clone()));
            }
        }
        Ok(Map { entries })
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`, returning the value it replaces. Shifts the entries after it: for
    /// many keys at once use [`Map::append_new`].
    pub fn insert(&mut self, key: String, value: Node) -> Option<Node> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Node> {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// Adds entries whose keys the map does not hold, given in key order, in time linear in both:
    /// the sort finds the two sorted runs and merges them.
    pub fn append_new(&mut self, sorted: Vec<(String, Node)>) {
        debug_assert!(sorted.is_sorted_by(|a, b| a.0 < b.0));
        debug_assert!(sorted.iter().all(|(k, _)| !self.contains_key(k)));
        if sorted.is_empty() {
            return;
        }
        self.entries.extend(sorted);
        self.entries.sort_by(by_key);
    }

    pub fn iter(&self) -> Iter<'_> {
        self.entries.iter().map(as_refs)
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Node> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut Node> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }
}

/// Entries in key order; `sort_by` is stable, so equal keys keep their order.
fn by_key(a: &(String, Node), b: &(String, Node)) -> std::cmp::Ordering {
    a.0.cmp(&b.0)
}

fn as_refs((k, v): &(String, Node)) -> Ref<'_> {
    (k, v)
}

/// The iterator of [`Map::iter`], in key order.
pub type Iter<'a> =
    std::iter::Map<std::slice::Iter<'a, (String, Node)>, fn(&(String, Node)) -> Ref<'_>>;

impl<'a> IntoIterator for &'a Map {
    type Item = Ref<'a>;
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl IntoIterator for Map {
    type Item = (String, Node);
    type IntoIter = std::vec::IntoIter<(String, Node)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

/// As a `BTreeMap` collects: of two equal keys the later value wins.
impl FromIterator<(String, Node)> for Map {
    fn from_iter<I: IntoIterator<Item = (String, Node)>>(iter: I) -> Self {
        let mut entries: Vec<_> = iter.into_iter().collect();
        entries.sort_by(by_key);
        // `dedup_by` drops the later of two equal neighbours: move its value into the one kept first
        entries.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                std::mem::swap(&mut later.1, &mut kept.1);
            }
            same
        });
        Map { entries }
    }
}

impl std::ops::Index<&str> for Map {
    type Output = Node;
    fn index(&self, key: &str) -> &Node {
        self.get(key)
            .unwrap_or_else(|| panic!("no key {key:?} in the map"))
    }
}

impl fmt::Debug for Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Origin, Value};
    use super::*;
    use std::collections::BTreeMap;

    fn n(i: i64) -> Node {
        Node::new(Value::Int(i), Origin::Default)
    }

    fn keys(m: &Map) -> Vec<&str> {
        m.keys().map(String::as_str).collect()
    }

    #[test]
    fn agrees_with_a_btree_map_under_inserts_and_removes() {
        // a fixed pseudo-random walk over 40 keys: both maps must hold the same entries in the same order
        let mut ours = Map::new();
        let mut theirs = BTreeMap::new();
        let mut x: u64 = 7;
        for step in 0..2000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let key = format!("k{}", (x >> 33) % 40);
            if (x >> 20).is_multiple_of(3) {
                assert_eq!(ours.remove(&key), theirs.remove(&key), "step {step}");
            } else {
                assert_eq!(
                    ours.insert(key.clone(), n(step)),
                    theirs.insert(key, n(step)),
                    "step {step}"
                );
            }
            assert_eq!(ours.len(), theirs.len());
        }
        let pairs: Vec<_> = ours.iter().collect();
        let expected: Vec<_> = theirs.iter().collect();
        assert_eq!(pairs, expected);
        for k in 0..45 {
            let key = format!("k{k}");
            assert_eq!(ours.get(&key), theirs.get(&key));
            assert_eq!(ours.contains_key(&key), theirs.contains_key(&key));
        }
    }

    #[test]
    fn from_entries_sorts_and_refuses_a_key_given_twice() {
        let m = Map::from_entries(vec![
            ("b".into(), n(1)),
            ("a".into(), n(2)),
            ("c".into(), n(3)),
        ])
        .unwrap();
        assert_eq!(keys(&m), ["a", "b", "c"]);
        assert_eq!(m["a"], n(2));
        let sorted = Map::from_entries(vec![("a".into(), n(1)), ("b".into(), n(2))]).unwrap();
        assert_eq!(keys(&sorted), ["a", "b"]);
        assert_eq!(
            Map::from_entries(vec![("a".into(), n(1)), ("a".into(), n(2))]),
            Err(DuplicateKey("a".into()))
        );
        assert_eq!(
            Map::from_entries(vec![
                ("b".into(), n(1)),
                ("a".into(), n(2)),
                ("b".into(), n(3))
            ]),
            Err(DuplicateKey("b".into()))
        );
    }

    #[test]
    fn append_new_merges_two_sorted_runs() {
        let mut m: Map = [("b", 1), ("d", 2), ("f", 3)]
            .into_iter()
            .map(|(k, v)| (k.into(), n(v)))
            .collect();
        m.append_new(vec![
            ("a".into(), n(4)),
            ("c".into(), n(5)),
            ("g".into(), n(6)),
        ]);
        assert_eq!(keys(&m), ["a", "b", "c", "d", "f", "g"]);
        assert_eq!(m["c"], n(5));
        m.append_new(Vec::new());
        assert_eq!(m.len(), 6);
    }

    #[test]
    fn collecting_keeps_the_later_of_two_equal_keys_as_a_btree_map_does() {
        let input = [("b", 1), ("a", 2), ("b", 3), ("a", 4), ("c", 5), ("b", 6)];
        let ours: Map = input.iter().map(|(k, v)| (k.to_string(), n(*v))).collect();
        let theirs: BTreeMap<String, Node> =
            input.iter().map(|(k, v)| (k.to_string(), n(*v))).collect();
        assert_eq!(
            ours.iter().collect::<Vec<_>>(),
            theirs.iter().collect::<Vec<_>>()
        );
    }
}
