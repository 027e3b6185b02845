//! A small deterministic PRNG for testbenches, and per-test seeds.
//!
//! Every random choice of a test should come from an [`Rng`] seeded with
//! [`test_seed`], which prints the seed; rerunning the test with
//! `VFPGA_SEED=<that seed>` reproduces the run exactly.

use std::ops::Range;

/// xoshiro256** (Blackman & Vigna), seeded through splitmix64. Fast, small,
/// and the same sequence on every platform and Rust version.
#[derive(Clone, Debug)]
pub struct Rng {
    s: [u64; 4],
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        let mut st = seed;
        let s = [splitmix64(&mut st), splitmix64(&mut st), splitmix64(&mut st), splitmix64(&mut st)];
        Rng { s }
    }

    /// A generator seeded with [`test_seed(name)`](test_seed) (which prints it).
    pub fn for_test(name: &str) -> Self {
        Rng::new(test_seed(name))
    }

    /// An independent generator derived from this one (e.g. one per agent),
    /// so that adding draws to one agent does not shift the others.
    pub fn fork(&mut self) -> Rng {
        Rng::new(self.next_u64())
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// The next 32 random bits.
    pub fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    /// Uniform in `0..n` (`n > 0`), without modulo bias (Lemire's method).
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "Rng::below(0)");
        loop {
            let m = u128::from(self.next_u64()) * u128::from(n);
            let lo = m as u64;
            if lo >= n.wrapping_neg() % n {
                return (m >> 64) as u64;
            }
        }
    }

    /// Uniform in `r` (non-empty).
    pub fn range(&mut self, r: Range<u64>) -> u64 {
        assert!(r.start < r.end, "Rng::range of an empty range");
        r.start + self.below(r.end - r.start)
    }

    /// Uniform in `r` (non-empty), as `usize`.
    pub fn range_usize(&mut self, r: Range<usize>) -> usize {
        self.range(r.start as u64..r.end as u64) as usize
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// `true` with probability `p` (`p >= 1` is always true, `p <= 0` never;
    /// neither draws a number).
    pub fn chance(&mut self, p: f64) -> bool {
        if p >= 1.0 {
            true
        } else if p <= 0.0 {
            false
        } else {
            self.unit() < p
        }
    }

    /// Random bits below bit `bits` (`bits <= 64`).
    pub fn bits(&mut self, bits: u32) -> u64 {
        match bits {
            0 => 0,
            64.. => self.next_u64(),
            b => self.next_u64() >> (64 - b),
        }
    }

    /// Fills `buf` with random bytes.
    pub fn fill_bytes(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }

    /// `len` random bytes.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        let mut v = vec![0; len];
        self.fill_bytes(&mut v);
        v
    }

    /// A random element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range_usize(0..items.len())]
    }

    /// Shuffles `items` in place (Fisher-Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.range_usize(0..i + 1);
            items.swap(i, j);
        }
    }
}

/// The seed for test `name`: the environment variable `VFPGA_SEED` if set
/// (decimal, or hex with `0x`), else a fixed value derived from `name` (so
/// every test has its own, stable, sequence). Prints
/// `<name>: seed = 0x...` to stderr, which the test harness shows when the
/// test fails; rerun with `VFPGA_SEED=0x...` to reproduce.
///
/// Panics if `VFPGA_SEED` is set but is not a number.
pub fn test_seed(name: &str) -> u64 {
    let seed = match std::env::var("VFPGA_SEED") {
        Ok(s) if !s.trim().is_empty() => parse_seed(&s).unwrap_or_else(|| panic!("VFPGA_SEED={s:?} is not a number")),
        _ => crate::verilator::fnv1a64(name.as_bytes()),
    };
    eprintln!("{name}: seed = {seed:#018x} (rerun with VFPGA_SEED={seed:#x} to reproduce)");
    seed
}

fn parse_seed(s: &str) -> Option<u64> {
    let s = s.trim().replace('_', "");
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_in_range() {
        let mut a = Rng::new(1);
        let mut b = Rng::new(1);
        let va: Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        let vb: Vec<u64> = (0..8).map(|_| b.next_u64()).collect();
        assert_eq!(va, vb);
        assert_ne!(Rng::new(2).next_u64(), va[0]);
        let mut r = Rng::new(7);
        let mut seen = [0u32; 6];
        for _ in 0..6000 {
            let x = r.range(10..16);
            assert!((10..16).contains(&x));
            seen[(x - 10) as usize] += 1;
        }
        assert!(seen.iter().all(|&c| c > 800), "{seen:?}");
        assert!(r.bits(3) < 8);
        let hits = (0..10000).filter(|_| r.chance(0.25)).count();
        assert!((2200..2800).contains(&hits), "{hits}");
    }

    #[test]
    fn known_splitmix_vector() {
        // splitmix64 reference: seed 0 -> 0xe220a8397b1dcdaf
        let mut s = 0u64;
        assert_eq!(splitmix64(&mut s), 0xe220a8397b1dcdaf);
    }

    #[test]
    fn seed_parsing() {
        assert_eq!(parse_seed("0x10"), Some(16));
        assert_eq!(parse_seed(" 42 "), Some(42));
        assert_eq!(parse_seed("0xdead_beef"), Some(0xdeadbeef));
        assert_eq!(parse_seed("zz"), None);
    }
}
