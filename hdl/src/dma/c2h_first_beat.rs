//! A C2H buffer's first beat (child `first` of `c2h.rs`): its offset in the
//! beat, its bytes (nmax = min(beat - offset, length)), the bytes to the
//! next burst boundary, and whether a beat of nmax bytes ends the buffer /
//! ends a burst. Logic alone, on the buffer the engine holds in a register;
//! every later beat of the buffer is aligned (`c2h.rs` works those out).

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct C2hFirstBeat {
    /// The buffer's address (bits 12:0: its place in the beat and in a
    /// burst span) and length.
    pub addr: Signal<In, Bits<13>>,
    pub len: Signal<In, Bits<24>>,
    pub off: Signal<Out, Bits<8>>,
    pub nmax: Signal<Out, Bits<8>>,
    pub bnd: Signal<Out, Bits<13>>,
    pub ends_buf: Signal<Out, Bit>,
    pub ends_burst: Signal<Out, Bit>,
    /// Bytes per beat and its mask; the burst span in bytes (min(max_burst,
    /// 32 beats), a power of two) and its mask.
    kw: Constant<Bits<8>>,
    kw_mask: Constant<Bits<8>>,
    cburst: Constant<Bits<13>>,
    cburst_mask: Constant<Bits<13>>,
    l_off: Signal<Local, Bits<8>>,
    room: Signal<Local, Bits<8>>,
    l_nmax: Signal<Local, Bits<8>>,
    l_bnd: Signal<Local, Bits<13>>,
    l_eb: Signal<Local, Bit>,
}

impl C2hFirstBeat {
    pub fn new(beat_bytes: usize, burst_bytes: usize) -> Self {
        Self {
            addr: Default::default(),
            len: Default::default(),
            off: Default::default(),
            nmax: Default::default(),
            bnd: Default::default(),
            ends_buf: Default::default(),
            ends_burst: Default::default(),
            kw: Constant::new((beat_bytes as u64).into()),
            kw_mask: Constant::new((beat_bytes as u64 - 1).into()),
            cburst: Constant::new((burst_bytes as u64).into()),
            cburst_mask: Constant::new((burst_bytes as u64 - 1).into()),
            l_off: Default::default(),
            room: Default::default(),
            l_nmax: Default::default(),
            l_bnd: Default::default(),
            l_eb: Default::default(),
        }
    }
}

impl Logic for C2hFirstBeat {
    #[hdl_gen]
    fn update(&mut self) {
        self.l_off.next = bit_cast::<8, 13>(self.addr.val()) & self.kw_mask.val();
        self.room.next = self.kw.val() - self.l_off.val();
        self.l_nmax.next = self.room.val();
        if self.len.val() < bit_cast::<24, 8>(self.room.val()) {
            self.l_nmax.next = self.len.val().get_bits::<8>(0);
        }
        self.l_bnd.next = self.cburst.val() - (self.addr.val() & self.cburst_mask.val());
        self.l_eb.next = self.len.val() <= bit_cast::<24, 8>(self.room.val());
        self.off.next = self.l_off.val();
        self.nmax.next = self.l_nmax.val();
        self.bnd.next = self.l_bnd.val();
        self.ends_buf.next = self.l_eb.val();
        self.ends_burst.next = (bit_cast::<13, 8>(self.l_nmax.val()) == self.l_bnd.val()) | self.l_eb.val();
    }
}
