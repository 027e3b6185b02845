//! The DMA register a register access's offset names (child `decode` of
//! `records.rs`), and whether it is read-only (regmap.md). Logic alone: the
//! offset comes out of the register bus's input slice.

use super::desc::RegSel;
use super::regs::*;
use crate::regbus::REG_ADDR_BITS as OW;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct RegDecode {
    pub addr: Signal<In, Bits<OW>>,
    pub sel: Signal<Out, RegSel>,
    pub ro: Signal<Out, Bit>,
    o_id: Constant<Bits<OW>>,
    o_version: Constant<Bits<OW>>,
    o_ctrl: Constant<Bits<OW>>,
    o_status: Constant<Bits<OW>>,
    o_h_base_lo: Constant<Bits<OW>>,
    o_h_base_hi: Constant<Bits<OW>>,
    o_h_size: Constant<Bits<OW>>,
    o_h_pidx: Constant<Bits<OW>>,
    o_h_cidx: Constant<Bits<OW>>,
    o_c_base_lo: Constant<Bits<OW>>,
    o_c_base_hi: Constant<Bits<OW>>,
    o_c_size: Constant<Bits<OW>>,
    o_c_pidx: Constant<Bits<OW>>,
    o_c_cidx: Constant<Bits<OW>>,
    o_irq_mask: Constant<Bits<OW>>,
    o_irq_status: Constant<Bits<OW>>,
    o_weight: Constant<Bits<OW>>,
    /// The register as it is worked out, copied to `sel` once (an output
    /// assigned twice in one pass wakes the blocks that read it, see
    /// `banks.rs`).
    l_sel: Signal<Local, RegSel>,
}

fn off(v: u32) -> Constant<Bits<OW>> {
    Constant::new((v as u64).into())
}

impl Default for RegDecode {
    fn default() -> Self {
        Self {
            addr: Default::default(),
            sel: Default::default(),
            ro: Default::default(),
            l_sel: Default::default(),
            o_id: off(R_ID),
            o_version: off(R_VERSION),
            o_ctrl: off(R_CTRL),
            o_status: off(R_STATUS),
            o_h_base_lo: off(R_H2C_BASE_LO),
            o_h_base_hi: off(R_H2C_BASE_HI),
            o_h_size: off(R_H2C_SIZE),
            o_h_pidx: off(R_H2C_PIDX),
            o_h_cidx: off(R_H2C_CIDX),
            o_c_base_lo: off(R_C2H_BASE_LO),
            o_c_base_hi: off(R_C2H_BASE_HI),
            o_c_size: off(R_C2H_SIZE),
            o_c_pidx: off(R_C2H_PIDX),
            o_c_cidx: off(R_C2H_CIDX),
            o_irq_mask: off(R_IRQ_MASK),
            o_irq_status: off(R_IRQ_STATUS),
            o_weight: off(R_WEIGHT),
        }
    }
}

impl Logic for RegDecode {
    #[hdl_gen]
    fn update(&mut self) {
        self.l_sel.next = RegSel::None;
        if self.addr.val() == self.o_id.val() {
            self.l_sel.next = RegSel::Id;
        } else if self.addr.val() == self.o_version.val() {
            self.l_sel.next = RegSel::Version;
        } else if self.addr.val() == self.o_ctrl.val() {
            self.l_sel.next = RegSel::Ctrl;
        } else if self.addr.val() == self.o_status.val() {
            self.l_sel.next = RegSel::Status;
        } else if self.addr.val() == self.o_h_base_lo.val() {
            self.l_sel.next = RegSel::HBaseLo;
        } else if self.addr.val() == self.o_h_base_hi.val() {
            self.l_sel.next = RegSel::HBaseHi;
        } else if self.addr.val() == self.o_h_size.val() {
            self.l_sel.next = RegSel::HSize;
        } else if self.addr.val() == self.o_h_pidx.val() {
            self.l_sel.next = RegSel::HPidx;
        } else if self.addr.val() == self.o_h_cidx.val() {
            self.l_sel.next = RegSel::HCidx;
        } else if self.addr.val() == self.o_c_base_lo.val() {
            self.l_sel.next = RegSel::CBaseLo;
        } else if self.addr.val() == self.o_c_base_hi.val() {
            self.l_sel.next = RegSel::CBaseHi;
        } else if self.addr.val() == self.o_c_size.val() {
            self.l_sel.next = RegSel::CSize;
        } else if self.addr.val() == self.o_c_pidx.val() {
            self.l_sel.next = RegSel::CPidx;
        } else if self.addr.val() == self.o_c_cidx.val() {
            self.l_sel.next = RegSel::CCidx;
        } else if self.addr.val() == self.o_irq_mask.val() {
            self.l_sel.next = RegSel::IrqMask;
        } else if self.addr.val() == self.o_irq_status.val() {
            self.l_sel.next = RegSel::IrqStatus;
        } else if self.addr.val() == self.o_weight.val() {
            self.l_sel.next = RegSel::Weight;
        }
        self.sel.next = self.l_sel.val();
        // Identification, status, the CIDX registers the engine moves, and
        // the weight (set through `s_qos`).
        self.ro.next = (self.l_sel.val() == RegSel::Id)
            | (self.l_sel.val() == RegSel::Version)
            | (self.l_sel.val() == RegSel::Status)
            | (self.l_sel.val() == RegSel::HCidx)
            | (self.l_sel.val() == RegSel::CCidx)
            | (self.l_sel.val() == RegSel::Weight);
    }
}
