//! A virtual machine as the shell sees it: a region of guest memory and, while
//! attached, one VF passed through to it. The VM's driver writes and reads
//! its accelerator context (the `ctx` region of its window), keeps its DMA
//! rings and buffers in its own memory ([`VfDriver`]), which the IOMMU lets
//! that VF, and only it, touch; sends messages and collects the result
//! packets, checking each against the results it was told to expect (its own
//! scoreboard); takes its interrupts; reads its error status and resets its
//! function.
//!
//! What a VM expects back is given with each message (the caller runs the
//! accelerator's reference), so the VM knows nothing of accelerators.

use std::collections::{BTreeMap, VecDeque};

use crate::driver::{Platform, VfDriver, Window};
use crate::orchestrator::Attachment;
use crate::{Packet, Rng, Scoreboard};
use vfpga_hdl::ctx::regs::CTX_BASE;

/// The VF a VM holds and the driver of its queues.
struct Plugged {
    att: Attachment,
    drv: VfDriver,
}

pub struct Vm {
    pub id: u32,
    /// Guest memory: (bus address, length).
    pub region: (u64, u64),
    /// Size of each receive buffer it posts.
    pub rx_size: u32,
    /// log2 of its rings' sizes.
    pub ring_log2: u32,
    /// Probability that a receive buffer asks for an interrupt.
    pub rx_irq_prob: f64,
    vf: Option<Plugged>,
    /// VFs it held before, oldest first.
    pub past_vfs: Vec<u32>,
    board: Scoreboard<u32>,
    /// Receive buffers each expected packet will fill, in order.
    expect_bufs: VecDeque<usize>,
    /// Receive buffers reserved for the expected packets.
    rx_needed: usize,
    rng: Rng,
    /// Result packets received and matched.
    pub received: u64,
    /// Messages sent.
    pub sent: u64,
    /// Expected packets given up by a reset.
    pub lost: u64,
    /// Interrupts taken, by vector.
    pub irqs: BTreeMap<u32, u64>,
    /// Trust CIDX as the register map promises (a descriptor it passed must
    /// be written back); off (the default), the driver polls each
    /// descriptor's DONE flag, as real drivers do ([`VfDriver::poll_done`]).
    pub trust_cidx: bool,
    cidx_ahead_before: u64,
}

impl Vm {
    pub fn new(id: u32, region: (u64, u64), rx_size: u32, rng: Rng) -> Vm {
        Vm {
            id,
            region,
            rx_size,
            ring_log2: 6,
            rx_irq_prob: 0.2,
            vf: None,
            past_vfs: Vec::new(),
            board: Scoreboard::new(format!("vm {id}")),
            expect_bufs: VecDeque::new(),
            rx_needed: 0,
            rng,
            received: 0,
            sent: 0,
            lost: 0,
            irqs: BTreeMap::new(),
            trust_cidx: false,
            cidx_ahead_before: 0,
        }
    }

    /// Times its driver saw CIDX ahead of a write-back in host memory.
    pub fn cidx_ahead(&self) -> u64 {
        self.cidx_ahead_before + self.vf.as_ref().map_or(0, |p| p.drv.cidx_ahead)
    }

    fn open(&self, w: &mut impl Window, vf: u32) -> Result<VfDriver, String> {
        let mut drv = VfDriver::open(w, vf, self.region, self.ring_log2)?;
        drv.poll_done = !self.trust_cidx;
        Ok(drv)
    }

    /// Its current attachment.
    pub fn attachment(&self) -> Option<Attachment> {
        self.vf.as_ref().map(|p| p.att)
    }

    /// Its current VF.
    pub fn vf(&self) -> Option<u32> {
        self.vf.as_ref().map(|p| p.att.vf)
    }

    fn plugged(&self) -> Result<&Plugged, String> {
        self.vf.as_ref().ok_or_else(|| format!("vm {}: no VF", self.id))
    }

    fn plugged_mut(&mut self) -> Result<&mut Plugged, String> {
        let id = self.id;
        self.vf.as_mut().ok_or_else(|| format!("vm {id}: no VF"))
    }

    /// The hypervisor passes the attachment's VF through: the IOMMU lets that
    /// VF read and write the VM's memory; the VM's driver opens its queues.
    pub fn plug(&mut self, w: &mut impl Window, att: Attachment) -> Result<(), String> {
        if self.vf.is_some() {
            return Err(format!("vm {}: already holds a VF", self.id));
        }
        w.host().iommu.map(att.vf, self.region.0, self.region.1, true);
        let drv = self.open(w, att.vf)?;
        self.vf = Some(Plugged { att, drv });
        Ok(())
    }

    /// The VF is taken away (after its DETACH): the IOMMU no longer lets it
    /// touch the VM's memory. Whatever was expected and not received is
    /// given up. Returns the attachment it was.
    pub fn unplug(&mut self, w: &mut impl Window) -> Result<Attachment, String> {
        let p = self.vf.take().ok_or_else(|| format!("vm {}: no VF to unplug", self.id))?;
        self.cidx_ahead_before += p.drv.cidx_ahead;
        w.host().iommu.unmap(p.att.vf, self.region.0, self.region.1);
        self.past_vfs.push(p.att.vf);
        self.forget_expected();
        Ok(p.att)
    }

    fn forget_expected(&mut self) {
        self.lost += self.board.outstanding() as u64;
        self.board = Scoreboard::new(format!("vm {}", self.id));
        self.expect_bufs.clear();
        self.rx_needed = 0;
    }

    /// A register write at `offset` of its own VF's window: false if refused.
    pub fn window_write(&self, w: &mut impl Window, offset: u32, value: u32) -> Result<bool, String> {
        Ok(w.reg_write(self.plugged()?.att.vf, offset, value))
    }

    /// A register read at `offset` of its own VF's window: `None` if refused.
    pub fn window_read(&self, w: &mut impl Window, offset: u32) -> Result<Option<u32>, String> {
        Ok(w.reg_read(self.plugged()?.att.vf, offset))
    }

    /// Writes its accelerator context words (from word 0) into its VF's
    /// context memory.
    pub fn context_write(&self, w: &mut impl Window, words: &[u32]) -> Result<(), String> {
        let vf = self.plugged()?.att.vf;
        for (i, &v) in words.iter().enumerate() {
            if !w.reg_write(vf, CTX_BASE + 4 * i as u32, v) {
                return Err(format!("vm {}: context word {i} write refused", self.id));
            }
        }
        Ok(())
    }

    /// Reads `n` context words of its VF.
    pub fn context_read(&self, w: &mut impl Window, n: usize) -> Result<Vec<u32>, String> {
        let vf = self.plugged()?.att.vf;
        (0..n as u32)
            .map(|i| w.reg_read(vf, CTX_BASE + 4 * i).ok_or_else(|| format!("vm {}: context word {i} read refused", self.id)))
            .collect()
    }

    fn bufs_for(&self, len: usize) -> usize {
        len.div_ceil(self.rx_size as usize).max(1)
    }

    /// Sends one message (one packet, cut into descriptors at `cuts`, its
    /// buffer at byte offset `align`, an H2C interrupt if `irq`), after
    /// posting the receive buffers its `expect`ed result packets will fill.
    /// `Ok(false)` (nothing sent) if the rings or buffers have no room now.
    pub fn send(&mut self, w: &mut impl Window, msg: &[u8], cuts: &[usize], align: u64, irq: bool, expect: Vec<Vec<u8>>) -> Result<bool, String> {
        let need: usize = expect.iter().map(|p| self.bufs_for(p.len())).sum();
        let want = self.rx_needed + need;
        let (rx_size, irq_prob) = (self.rx_size, self.rx_irq_prob);
        let mut rng = self.rng.fork();
        let p = self.plugged_mut()?;
        while p.drv.rx_posted() < want {
            if !p.drv.post_rx(w, rx_size, rng.below(64), rng.chance(irq_prob))? {
                break;
            }
        }
        let ok = p.drv.rx_posted() >= want && p.drv.post_tx(w, msg, cuts, align, irq)?;
        p.drv.ring(w)?;
        if !ok {
            return Ok(false);
        }
        for pkt in expect {
            self.expect_bufs.push_back(self.bufs_for(pkt.len()));
            self.board.expect(self.id, Packet::new(pkt));
        }
        self.rx_needed = want;
        self.sent += 1;
        Ok(true)
    }

    /// Reaps its rings: completed transmissions, and result packets, each
    /// checked against the next one expected (bytes and buffers used); takes
    /// its interrupts. Returns the packets received.
    pub fn collect(&mut self, w: &mut impl Platform) -> Result<usize, String> {
        let p = self.plugged_mut()?;
        p.drv.reap_tx(w)?;
        let rx = p.drv.reap_rx(w)?;
        let vf = p.att.vf;
        for v in w.take_irqs(vf) {
            *self.irqs.entry(v).or_default() += 1;
        }
        let n = rx.len();
        for pkt in rx {
            let bufs = self.expect_bufs.pop_front();
            self.board.observe(self.id, Packet::new(pkt.data)).map_err(|e| format!("vm {} (VF {vf}): {e}", self.id))?;
            if bufs != Some(pkt.descriptors as usize) {
                return Err(format!("vm {} (VF {vf}): result filled {} buffers, expected {bufs:?}", self.id, pkt.descriptors));
            }
            self.rx_needed -= pkt.descriptors as usize;
            self.received += 1;
        }
        Ok(n)
    }

    /// Result packets expected and not received yet.
    pub fn outstanding(&self) -> usize {
        self.board.outstanding()
    }

    /// Transmit descriptors posted and not completed yet.
    pub fn tx_in_flight(&self) -> usize {
        self.vf.as_ref().map_or(0, |p| p.drv.tx_in_flight())
    }

    /// Nothing in flight: every message completed, every result received.
    pub fn idle(&self) -> bool {
        self.outstanding() == 0 && self.tx_in_flight() == 0
    }

    /// Fails unless every expected result came.
    pub fn finish(&self) -> Result<(), String> {
        self.board.finish().map_err(|e| e.to_string())
    }

    /// Its function's DMA error code (STATUS; 0: running).
    pub fn error(&self, w: &mut impl Window) -> Result<u32, String> {
        self.plugged()?.drv.error(w)
    }

    /// Interrupt status of its function (IRQ_STATUS), cleared as read.
    pub fn take_irq_status(&self, w: &mut impl Window) -> Result<u32, String> {
        self.plugged()?.drv.take_irq_status(w)
    }

    /// Resets its function's queues (CTRL.RESET) and sets them up again
    /// from scratch (ring bases and sizes too), empty; whatever was expected
    /// is given up.
    pub fn reset(&mut self, w: &mut impl Window) -> Result<(), String> {
        let vf = self.plugged()?.att.vf;
        let drv = self.open(w, vf)?;
        self.cidx_ahead_before += self.plugged()?.drv.cidx_ahead;
        self.plugged_mut()?.drv = drv;
        self.forget_expected();
        Ok(())
    }

    /// Its VF's driver, for raw descriptors (error tests).
    pub fn driver(&mut self) -> Result<&mut VfDriver, String> {
        Ok(&mut self.plugged_mut()?.drv)
    }
}
