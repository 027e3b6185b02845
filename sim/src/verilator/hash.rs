//! A small stable hash for cache keys (FNV-1a, 64 bits). `std`'s
//! `DefaultHasher` may change between Rust releases, which would silently
//! invalidate (or worse, alias) cache entries.

pub(crate) struct Fnv64(u64);

impl Fnv64 {
    pub fn new() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }

    pub fn bytes(&mut self, data: &[u8]) -> &mut Self {
        for &b in data {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self
    }

    /// Hashes a length-prefixed field, so that adjacent fields cannot be
    /// confused (`"ab" + "c"` differs from `"a" + "bc"`).
    pub fn field(&mut self, data: impl AsRef<[u8]>) -> &mut Self {
        let data = data.as_ref();
        self.bytes(&(data.len() as u64).to_le_bytes());
        self.bytes(data)
    }

    pub fn finish(&self) -> u64 {
        self.0
    }
}

/// FNV-1a 64 of a string: stable across platforms and Rust versions.
pub fn fnv1a64(data: &[u8]) -> u64 {
    Fnv64::new().bytes(data).finish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_vectors() {
        assert_eq!(super::fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(super::fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(super::fnv1a64(b"foobar"), 0x85944171f73967e8);
    }
}
