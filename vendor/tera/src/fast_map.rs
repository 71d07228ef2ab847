//! Waymark: the maps Tera looks names up in on every render (templates, blocks, macros,
//! a frame's variables), hashed with foldhash rather than SipHash; see vendor/README.md.
//! Maps handed to filters and functions keep std's hasher: they are part of the public API.

pub type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
