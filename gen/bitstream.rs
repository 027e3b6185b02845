//! Simulation bitstreams: the tiny format the configuration-port model
//! (`vfpga_icap_model`, `hdl/src/prc/icap_model.rs`) reads in place of real
//! partial bitstreams.
//!
//! A file of 32-bit words, each big-endian (as the words of a Xilinx `.bin`):
//! sync word 0xAA995566, `acc_id`, target partition, payload length `n` in
//! words, `n` payload words (stand-ins for configuration frames), and a
//! checksum: `s = rotl(s, 1) ^ w` over every word after the sync word, from 0.

pub use vfpga_hdl::prc::icap_model::SYNC_WORD;

/// The checksum of the words after the sync word.
pub fn checksum(words: &[u32]) -> u32 {
    words.iter().fold(0u32, |s, &w| s.rotate_left(1) ^ w)
}

/// The words of a simulation bitstream.
pub fn pack_words(acc_id: u32, partition: u32, payload: &[u32]) -> Vec<u32> {
    let mut w = vec![SYNC_WORD, acc_id, partition, payload.len() as u32];
    w.extend_from_slice(payload);
    let sum = checksum(&w[1..]);
    w.push(sum);
    w
}

/// A simulation bitstream as file bytes.
pub fn pack(acc_id: u32, partition: u32, payload: &[u32]) -> Vec<u8> {
    pack_words(acc_id, partition, payload).iter().flat_map(|w| w.to_be_bytes()).collect()
}

/// A deterministic payload of `words` words (a stand-in for frames).
pub fn payload(acc_id: u32, partition: u32, words: usize) -> Vec<u32> {
    let mut x = (acc_id as u64) << 32 | partition as u64 | 1;
    (0..words)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u32
        })
        .collect()
}

/// Reads a file back: (acc_id, partition, payload) if it is well formed.
pub fn unpack(bytes: &[u8]) -> Result<(u32, u32, Vec<u32>), String> {
    if bytes.len() % 4 != 0 {
        return Err(format!("length {} is not a multiple of 4", bytes.len()));
    }
    let w: Vec<u32> = bytes.chunks(4).map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]])).collect();
    if w.len() < 5 || w[0] != SYNC_WORD {
        return Err("no sync word".into());
    }
    let n = w[3] as usize;
    if w.len() != n + 5 {
        return Err(format!("{} words, the header says {}", w.len(), n + 5));
    }
    if checksum(&w[1..n + 4]) != w[n + 4] {
        return Err("bad checksum".into());
    }
    Ok((w[1], w[2], w[4..n + 4].to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damage() {
        let b = pack(0x4352_4333, 2, &payload(1, 2, 10));
        assert_eq!(&b[..4], &[0xAA, 0x99, 0x55, 0x66]);
        assert_eq!(unpack(&b).unwrap(), (0x4352_4333, 2, payload(1, 2, 10)));
        let mut bad = b.clone();
        bad[20] ^= 1;
        assert_eq!(unpack(&bad).unwrap_err(), "bad checksum");
        assert!(unpack(&b[..b.len() - 4]).is_err());
    }
}
