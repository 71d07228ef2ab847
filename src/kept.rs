//! A store for what one build makes that the next (in serve mode) may use again: a
//! generic map of this build's values beside the last build's, which each stage that
//! keeps things is handed for its own values.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

/// Values of this build, and those of the last one not yet asked for again.
pub struct Kept<K, V> {
    pub(crate) maps: Mutex<(HashMap<K, V>, HashMap<K, V>)>,
}

impl<K, V> std::fmt::Debug for Kept<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Kept")
    }
}

impl<K: Eq + Hash, V: Clone> Default for Kept<K, V> {
    fn default() -> Self {
        Kept {
            maps: Mutex::new((HashMap::new(), HashMap::new())),
        }
    }
}

impl<K: Eq + Hash, V: Clone> Kept<K, V> {
    /// Starts a build: what the last build kept and this one does not ask for is dropped.
    pub fn rotate(&self) {
        let mut maps = self.maps.lock().unwrap_or_else(|e| e.into_inner());
        let (now, last) = &mut *maps;
        *last = std::mem::take(now);
    }

    /// The value kept for `key`, if `fits` accepts it.
    pub fn get(&self, key: &K, fits: impl Fn(&V) -> bool) -> Option<V> {
        let mut maps = self.maps.lock().unwrap_or_else(|e| e.into_inner());
        let (now, last) = &mut *maps;
        if let Some(v) = now.get(key).filter(|v| fits(v)) {
            return Some(v.clone());
        }
        let (k, v) = last.remove_entry(key).filter(|(_, v)| fits(v))?;
        now.insert(k, v.clone());
        Some(v)
    }

    pub fn put(&self, key: K, value: V) {
        let mut maps = self.maps.lock().unwrap_or_else(|e| e.into_inner());
        maps.0.insert(key, value);
    }

    pub fn forget(&self, key: &K) {
        let mut maps = self.maps.lock().unwrap_or_else(|e| e.into_inner());
        maps.0.remove(key);
        maps.1.remove(key);
    }
}
