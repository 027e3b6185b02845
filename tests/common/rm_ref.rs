//! Rust references of the example accelerators: what each RM does to a
//! packet, given its context registers.

use vfpga_hdl::accel::{CRC32_INIT, CRC32_POLY, KXOR_INIT};

/// What an RM does to a stream, from a context; `ctx` is its context registers.
pub trait Reference {
    /// Context registers that hold its state.
    fn ctx_regs(&self) -> usize;
    fn reset_ctx(&self) -> Vec<u32>;
    /// The output packets for one input packet, updating the context.
    fn process(&self, ctx: &mut [u32], pkt: &[u8], beat_bytes: usize) -> Vec<Vec<u8>>;
    /// The output packets for a packet cut short after `pkt` (its last beat
    /// flagged on `tuser`), updating the context. What every example RM
    /// keeps to: never a whole packet's answer; the context as before the
    /// packet (but for the passthrough's count of cuts).
    fn cut(&self, ctx: &mut [u32], pkt: &[u8], beat_bytes: usize) -> Vec<Vec<u8>>;
}

pub struct PassRef;
impl Reference for PassRef {
    /// Register 0: a free tag; register 1: cut packets received.
    fn ctx_regs(&self) -> usize {
        2
    }
    fn reset_ctx(&self) -> Vec<u32> {
        vec![0, 0]
    }
    fn process(&self, _ctx: &mut [u32], pkt: &[u8], _: usize) -> Vec<Vec<u8>> {
        vec![pkt.to_vec()]
    }
    /// The beats it got have left already: the copy ends at the cut; counted.
    fn cut(&self, ctx: &mut [u32], pkt: &[u8], _: usize) -> Vec<Vec<u8>> {
        ctx[1] = ctx[1].wrapping_add(1);
        vec![pkt.to_vec()]
    }
}

/// Raw (not finalized) reflected CRC-32 update.
pub fn crc32_update(mut c: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 { (c >> 1) ^ CRC32_POLY } else { c >> 1 };
        }
    }
    c
}

pub struct CrcRef;
impl Reference for CrcRef {
    fn ctx_regs(&self) -> usize {
        1
    }
    fn reset_ctx(&self) -> Vec<u32> {
        vec![CRC32_INIT]
    }
    fn process(&self, ctx: &mut [u32], pkt: &[u8], _: usize) -> Vec<Vec<u8>> {
        ctx[0] = crc32_update(ctx[0], pkt);
        vec![(ctx[0] ^ 0xFFFF_FFFF).to_le_bytes().to_vec()]
    }
    /// No result; the CRC as before the packet.
    fn cut(&self, _ctx: &mut [u32], _pkt: &[u8], _: usize) -> Vec<Vec<u8>> {
        Vec::new()
    }
}

fn xorshift(mut x: u64) -> u64 {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}

pub struct KxorRef;
impl Reference for KxorRef {
    fn ctx_regs(&self) -> usize {
        2
    }
    fn reset_ctx(&self) -> Vec<u32> {
        vec![KXOR_INIT as u32, (KXOR_INIT >> 32) as u32]
    }
    fn process(&self, ctx: &mut [u32], pkt: &[u8], beat_bytes: usize) -> Vec<Vec<u8>> {
        let mut x = ctx[0] as u64 | (ctx[1] as u64) << 32;
        let mut out = Vec::with_capacity(pkt.len());
        for beat in pkt.chunks(beat_bytes) {
            for lane in 0..beat_bytes / 8 {
                let ks = x.to_le_bytes();
                for (k, &b) in beat.iter().enumerate().skip(lane * 8).take(8) {
                    out.push(b ^ ks[k - lane * 8]);
                }
                x = xorshift(x);
            }
        }
        ctx[0] = x as u32;
        ctx[1] = (x >> 32) as u32;
        vec![out]
    }
    /// The beats it got have left enciphered; the keystream as before the packet.
    fn cut(&self, ctx: &mut [u32], pkt: &[u8], beat_bytes: usize) -> Vec<Vec<u8>> {
        self.process(&mut ctx.to_vec(), pkt, beat_bytes)
    }
}

