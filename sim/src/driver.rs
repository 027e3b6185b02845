//! A VF driver model: what a guest's driver does with its function's DMA
//! queues, through its BAR window and its own memory. It sets up the two
//! rings, posts transmit packets (H2C, split over descriptors) and receive
//! buffers (C2H), rings the doorbells, reaps completions from the rings'
//! write-backs and reads the error status. It knows only its window and the
//! memory its VM owns ([`VfDriver::region`]); how the window is reached is the
//! [`Window`] of the testbench (the block's register bus, or `bar`).

use std::collections::VecDeque;

use crate::host::HostMem;
use vfpga_hdl::dma::regs::*;

/// How a driver reaches its function's registers and its VM's memory.
pub trait Window {
    /// A 32-bit register write at `offset` of `function`'s window; false if refused.
    fn reg_write(&mut self, function: u32, offset: u32, value: u32) -> bool;
    /// A 32-bit register read; `None` if refused.
    fn reg_read(&mut self, function: u32, offset: u32) -> Option<u32>;
    /// The host memory (the driver touches only its VM's region).
    fn host(&mut self) -> &mut HostMem;
}

/// A [`Window`] whose testbench also lets time pass and reports the
/// interrupts the design raised (a whole platform: the shell, its host).
pub trait Platform: Window {
    /// Lets `cycles` clock cycles pass (everything keeps running).
    fn advance(&mut self, cycles: u64);
    /// Interrupt vectors raised for `function` since the last call, oldest first.
    fn take_irqs(&mut self, function: u32) -> Vec<u32>;
}

/// One ring as the driver keeps it.
#[derive(Debug, Clone)]
struct Ring {
    base: u64,
    log2: u32,
    /// Next descriptor to post.
    pidx: u32,
    /// Next descriptor to reap.
    cidx: u32,
}

impl Ring {
    fn size(&self) -> u32 {
        1 << self.log2
    }
    fn free(&self) -> u32 {
        self.size() - 1 - (self.pidx.wrapping_sub(self.cidx) & (self.size() - 1))
    }
    fn desc_addr(&self, idx: u32) -> u64 {
        self.base + DESC_BYTES * (idx & (self.size() - 1)) as u64
    }
}

/// A circular buffer arena in the VM's memory, freed in allocation order.
#[derive(Debug, Clone)]
struct Arena {
    start: u64,
    len: u64,
    head: u64,
    /// (offset, len) of live allocations, oldest first.
    live: VecDeque<(u64, u64)>,
}

impl Arena {
    fn alloc(&mut self, len: u64, align_offset: u64) -> Option<u64> {
        let need = len + align_offset;
        if need > self.len {
            return None;
        }
        let at = match self.live.front() {
            None => 0,
            Some(&(t, _)) if self.head > t => {
                if self.head + need <= self.len {
                    self.head
                } else if need <= t {
                    0
                } else {
                    return None;
                }
            }
            Some(&(t, _)) => {
                if self.head + need <= t {
                    self.head
                } else {
                    return None;
                }
            }
        };
        self.live.push_back((at, need));
        self.head = at + need;
        Some(self.start + at + align_offset)
    }
    fn free_oldest(&mut self) {
        self.live.pop_front();
    }
}

/// A completed receive packet: its bytes and the descriptors it filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RxPacket {
    pub data: Vec<u8>,
    pub descriptors: u32,
}

/// The driver of one function's DMA queues.
pub struct VfDriver {
    pub function: u32,
    /// The memory the VM owns: (start, length).
    pub region: (u64, u64),
    h2c: Ring,
    c2h: Ring,
    tx_arena: Arena,
    rx_arena: Arena,
    /// Per posted H2C descriptor: its length, and whether it ends a packet.
    tx_posted: VecDeque<(u32, bool)>,
    /// Per posted C2H buffer: its address and length.
    rx_posted: VecDeque<(u64, u32)>,
    rx_partial: Vec<u8>,
    rx_partial_desc: u32,
    /// Doorbell values last written.
    h2c_rung: u32,
    c2h_rung: u32,
    /// Reap only descriptors whose write-back shows DONE in host memory (a
    /// descriptor CIDX has passed but whose write-back has not landed yet is
    /// left for the next reap, and counted in `cidx_ahead`). Off: CIDX is
    /// trusted, as the register map promises, and such a descriptor is an error.
    pub poll_done: bool,
    /// Times CIDX was seen ahead of a descriptor's write-back (with `poll_done`).
    pub cidx_ahead: u64,
}

impl VfDriver {
    /// Sets the queues up in `region` (at least 64 KiB + 2 rings): both rings
    /// of 2^`log2` descriptors at its start, the rest split into a transmit
    /// and a receive arena. Resets the queues first, then runs them.
    pub fn open(w: &mut impl Window, function: u32, region: (u64, u64), log2: u32) -> Result<VfDriver, String> {
        let ring_bytes = DESC_BYTES << log2;
        let arenas = region.1.checked_sub(2 * ring_bytes).ok_or("region smaller than the rings")?;
        let h2c = Ring { base: region.0, log2, pidx: 0, cidx: 0 };
        let c2h = Ring { base: region.0 + ring_bytes, log2, pidx: 0, cidx: 0 };
        let half = arenas / 2;
        let arena = |start: u64| Arena { start, len: half, head: 0, live: VecDeque::new() };
        let d = VfDriver {
            function,
            region,
            tx_arena: arena(region.0 + 2 * ring_bytes),
            rx_arena: arena(region.0 + 2 * ring_bytes + half),
            h2c,
            c2h,
            tx_posted: VecDeque::new(),
            rx_posted: VecDeque::new(),
            rx_partial: Vec::new(),
            rx_partial_desc: 0,
            h2c_rung: 0,
            c2h_rung: 0,
            poll_done: false,
            cidx_ahead: 0,
        };
        let f = function;
        let id = w.reg_read(f, R_ID).ok_or("ID read refused")?;
        if id != DMA_ID {
            return Err(format!("function {f}: DMA ID {id:#x}, expected {DMA_ID:#x}"));
        }
        d.write(w, R_CTRL, CTRL_RESET)?;
        d.write(w, R_H2C_BASE_LO, d.h2c.base as u32)?;
        d.write(w, R_H2C_BASE_HI, (d.h2c.base >> 32) as u32)?;
        d.write(w, R_H2C_SIZE, log2)?;
        d.write(w, R_C2H_BASE_LO, d.c2h.base as u32)?;
        d.write(w, R_C2H_BASE_HI, (d.c2h.base >> 32) as u32)?;
        d.write(w, R_C2H_SIZE, log2)?;
        d.write(w, R_CTRL, CTRL_H2C_RUN | CTRL_C2H_RUN)?;
        Ok(d)
    }

    fn write(&self, w: &mut impl Window, off: u32, v: u32) -> Result<(), String> {
        if w.reg_write(self.function, off, v) {
            Ok(())
        } else {
            Err(format!("function {}: write of {off:#x} refused", self.function))
        }
    }

    fn read(&self, w: &mut impl Window, off: u32) -> Result<u32, String> {
        w.reg_read(self.function, off).ok_or_else(|| format!("function {}: read of {off:#x} refused", self.function))
    }

    fn put_desc(w: &mut impl Window, at: u64, addr: u64, len: u32, flags: u32) {
        let mut d = Vec::with_capacity(16);
        d.extend_from_slice(&addr.to_le_bytes());
        d.extend_from_slice(&len.to_le_bytes());
        d.extend_from_slice(&flags.to_le_bytes());
        w.host().write_bytes(at, &d);
    }

    /// Posts one packet for transmission (not yet rung): copied into
    /// buffers at byte offset `align` (0..64) in pieces cut at `cuts` (sorted
    /// offsets inside the packet), one descriptor each. `irq` flags the last.
    /// `Ok(false)` if the ring or the arena has no room now.
    pub fn post_tx(&mut self, w: &mut impl Window, data: &[u8], cuts: &[usize], align: u64, irq: bool) -> Result<bool, String> {
        let mut bounds = vec![0];
        bounds.extend(cuts.iter().copied().filter(|&c| c > 0 && c < data.len()));
        bounds.push(data.len());
        bounds.dedup();
        let pieces = bounds.len() - 1;
        if self.h2c.free() < pieces as u32 {
            return Ok(false);
        }
        let Some(buf) = self.tx_arena.alloc(data.len() as u64, align) else { return Ok(false) };
        w.host().write_bytes(buf, data);
        for (i, win) in bounds.windows(2).enumerate() {
            let last = i + 1 == pieces;
            let flags = if last { DESC_EOP | if irq { DESC_IRQ } else { 0 } } else { 0 };
            let len = (win[1] - win[0]) as u32;
            Self::put_desc(w, self.h2c.desc_addr(self.h2c.pidx), buf + win[0] as u64, len, flags);
            self.tx_posted.push_back((len, last));
            self.h2c.pidx = self.h2c.pidx.wrapping_add(1);
        }
        Ok(true)
    }

    /// Posts a raw H2C descriptor (any address, length, flags), for error tests.
    pub fn post_tx_raw(&mut self, w: &mut impl Window, addr: u64, len: u32, flags: u32) {
        Self::put_desc(w, self.h2c.desc_addr(self.h2c.pidx), addr, len, flags);
        self.tx_posted.push_back((len, flags & DESC_EOP != 0));
        self.h2c.pidx = self.h2c.pidx.wrapping_add(1);
    }

    /// Posts a raw C2H descriptor (any address, length, flags), for error tests.
    pub fn post_rx_raw(&mut self, w: &mut impl Window, addr: u64, len: u32, flags: u32) {
        Self::put_desc(w, self.c2h.desc_addr(self.c2h.pidx), addr, len, flags);
        self.rx_posted.push_back((addr, len));
        self.c2h.pidx = self.c2h.pidx.wrapping_add(1);
    }

    /// Posts one receive buffer of `len` bytes at byte offset `align`.
    /// `Ok(false)` if the ring or the arena has no room now.
    pub fn post_rx(&mut self, w: &mut impl Window, len: u32, align: u64, irq: bool) -> Result<bool, String> {
        if self.c2h.free() < 1 {
            return Ok(false);
        }
        let Some(buf) = self.rx_arena.alloc(len as u64, align) else { return Ok(false) };
        Self::put_desc(w, self.c2h.desc_addr(self.c2h.pidx), buf, len, if irq { DESC_IRQ } else { 0 });
        self.rx_posted.push_back((buf, len));
        self.c2h.pidx = self.c2h.pidx.wrapping_add(1);
        Ok(true)
    }

    /// Writes the doorbells of whatever was posted since the last ring.
    pub fn ring(&mut self, w: &mut impl Window) -> Result<(), String> {
        let mask = self.h2c.size() - 1;
        if self.c2h.pidx != self.c2h_rung {
            self.c2h_rung = self.c2h.pidx;
            self.write(w, R_C2H_PIDX, self.c2h.pidx & mask)?;
        }
        if self.h2c.pidx != self.h2c_rung {
            self.h2c_rung = self.h2c.pidx;
            self.write(w, R_H2C_PIDX, self.h2c.pidx & mask)?;
        }
        Ok(())
    }

    /// Reaps completed transmit descriptors: checks each write-back (DONE,
    /// length, EOP) and frees their buffers. Returns the packets completed.
    pub fn reap_tx(&mut self, w: &mut impl Window) -> Result<usize, String> {
        let hw = self.read(w, R_H2C_CIDX)?;
        let mask = self.h2c.size() - 1;
        let mut packets = 0;
        while self.h2c.cidx & mask != hw {
            let (len, eop) = *self.tx_posted.front().ok_or("H2C CIDX beyond the posted descriptors")?;
            let wb = w.host().read_bytes(self.h2c.desc_addr(self.h2c.cidx) + 8, 8);
            let got_len = u32::from_le_bytes(wb[0..4].try_into().unwrap()) & DESC_MAX_LEN;
            let flags = u32::from_le_bytes(wb[4..8].try_into().unwrap());
            if self.poll_done && flags & DESC_DONE == 0 {
                self.cidx_ahead += 1;
                break;
            }
            self.tx_posted.pop_front();
            if flags & DESC_DONE == 0 || got_len != len || (flags & DESC_EOP != 0) != eop {
                return Err(format!(
                    "function {}: H2C descriptor {} written back as len {got_len} flags {flags:#x}, posted len {len} eop {eop}",
                    self.function, self.h2c.cidx
                ));
            }
            if eop {
                self.tx_arena.free_oldest();
                packets += 1;
            }
            self.h2c.cidx = self.h2c.cidx.wrapping_add(1);
        }
        Ok(packets)
    }

    /// Reaps completed receive buffers; returns the packets they complete.
    pub fn reap_rx(&mut self, w: &mut impl Window) -> Result<Vec<RxPacket>, String> {
        let hw = self.read(w, R_C2H_CIDX)?;
        let mask = self.c2h.size() - 1;
        let mut out = Vec::new();
        while self.c2h.cidx & mask != hw {
            let (buf, cap) = *self.rx_posted.front().ok_or("C2H CIDX beyond the posted buffers")?;
            let wb = w.host().read_bytes(self.c2h.desc_addr(self.c2h.cidx) + 8, 8);
            let len = u32::from_le_bytes(wb[0..4].try_into().unwrap()) & DESC_MAX_LEN;
            let flags = u32::from_le_bytes(wb[4..8].try_into().unwrap());
            if self.poll_done && flags & DESC_DONE == 0 {
                self.cidx_ahead += 1;
                break;
            }
            self.rx_posted.pop_front();
            if flags & DESC_DONE == 0 || len > cap || (len < cap && flags & DESC_EOP == 0) {
                return Err(format!(
                    "function {}: C2H buffer {} written back as len {len} flags {flags:#x} (capacity {cap})",
                    self.function, self.c2h.cidx
                ));
            }
            let bytes = w.host().read_bytes(buf, len as usize);
            self.rx_partial.extend_from_slice(&bytes);
            self.rx_partial_desc += 1;
            self.rx_arena.free_oldest();
            if flags & DESC_EOP != 0 {
                out.push(RxPacket { data: std::mem::take(&mut self.rx_partial), descriptors: self.rx_partial_desc });
                self.rx_partial_desc = 0;
            }
            self.c2h.cidx = self.c2h.cidx.wrapping_add(1);
        }
        Ok(out)
    }

    /// The error code in STATUS (0: running).
    pub fn error(&self, w: &mut impl Window) -> Result<u32, String> {
        Ok(self.read(w, R_STATUS)? & 0xf)
    }

    /// Interrupt status (IRQ_STATUS bits), cleared as read.
    pub fn take_irq_status(&self, w: &mut impl Window) -> Result<u32, String> {
        let s = self.read(w, R_IRQ_STATUS)?;
        if s != 0 {
            self.write(w, R_IRQ_STATUS, s)?;
        }
        Ok(s)
    }

    /// Masks interrupt sources (IRQ_MASK bits).
    pub fn mask_irqs(&self, w: &mut impl Window, mask: u32) -> Result<(), String> {
        self.write(w, R_IRQ_MASK, mask)
    }

    /// Resets this function's queues and starts them again, empty.
    pub fn reset(&mut self, w: &mut impl Window) -> Result<(), String> {
        self.write(w, R_CTRL, CTRL_RESET | CTRL_H2C_RUN | CTRL_C2H_RUN)?;
        for r in [&mut self.h2c, &mut self.c2h] {
            r.pidx = 0;
            r.cidx = 0;
        }
        self.h2c_rung = 0;
        self.c2h_rung = 0;
        self.tx_posted.clear();
        self.rx_posted.clear();
        self.rx_partial.clear();
        self.rx_partial_desc = 0;
        self.tx_arena.live.clear();
        self.tx_arena.head = 0;
        self.rx_arena.live.clear();
        self.rx_arena.head = 0;
        Ok(())
    }

    /// Transmit descriptors posted and not yet reaped.
    pub fn tx_in_flight(&self) -> usize {
        self.tx_posted.len()
    }

    /// Receive buffers posted and not yet reaped.
    pub fn rx_posted(&self) -> usize {
        self.rx_posted.len()
    }
}
