//! MSI-X of the `pcie` block: the shell's interrupt requests (`irq_*`, one
//! per handshake) to the hard block's MSI-X interrupt ports.
//!
//! The hard block holds the MSI-X tables (internal-table mode): a request is
//! one pulse of `cfg_interrupt_msix_int` with the function
//! (`cfg_interrupt_msi_function_number`, the hard block's numbering) and the
//! vector (`cfg_interrupt_msix_data`). The block answers each pulse with
//! `cfg_interrupt_msix_sent` or `cfg_interrupt_msix_fail` (e.g. the vector is
//! masked or MSI-X is off); a failed request is sent again after
//! `RETRY_GAP` cycles, so no interrupt is lost. `irq_ready` is high, from a
//! register, only while nothing is in flight.

use crate::FUNCTION_ID_BITS as FW;
use rust_hdl::prelude::*;

/// Cycles between a failed request and its retry.
pub const RETRY_GAP: u64 = 64;

// `state`: 0 idle (irq_ready), 2 pulse sent, waiting for sent/fail, 3 retry gap.

#[derive(LogicBlock)]
pub struct Msix {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub irq_valid: Signal<In, Bit>,
    pub irq_ready: Signal<Out, Bit>,
    pub irq_function: Signal<In, Bits<FW>>,
    pub irq_vector: Signal<In, Bits<4>>,
    pub cfg_interrupt_msix_int: Signal<Out, Bit>,
    pub cfg_interrupt_msi_function_number: Signal<Out, Bits<8>>,
    pub cfg_interrupt_msix_data: Signal<Out, Bits<32>>,
    pub cfg_interrupt_msix_sent: Signal<In, Bit>,
    pub cfg_interrupt_msix_fail: Signal<In, Bit>,
    /// Failed requests retried (for the tests and a status view).
    pub msix_retries: Signal<Out, Bits<16>>,
    retry_gap: Constant<Bits<8>>,
    state: DFF<Bits<2>>,
    ready: DFF<Bit>,
    pulse: DFF<Bit>,
    irq_fn: DFF<Bits<8>>,
    vector: DFF<Bits<4>>,
    timer: DFF<Bits<8>>,
    retries: DFF<Bits<16>>,
}

impl Default for Msix {
    fn default() -> Self {
        Self {
            clk: Default::default(),
            rst: Default::default(),
            irq_valid: Default::default(),
            irq_ready: Default::default(),
            irq_function: Default::default(),
            irq_vector: Default::default(),
            cfg_interrupt_msix_int: Default::default(),
            cfg_interrupt_msi_function_number: Default::default(),
            cfg_interrupt_msix_data: Default::default(),
            cfg_interrupt_msix_sent: Default::default(),
            cfg_interrupt_msix_fail: Default::default(),
            msix_retries: Default::default(),
            retry_gap: Constant::new(RETRY_GAP.into()),
            state: Default::default(),
            ready: Default::default(),
            pulse: Default::default(),
            irq_fn: Default::default(),
            vector: Default::default(),
            timer: Default::default(),
            retries: Default::default(),
        }
    }
}

impl Logic for Msix {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clk, state, ready, pulse, irq_fn, vector, timer, retries);
        self.irq_ready.next = self.ready.q.val();
        self.cfg_interrupt_msix_int.next = self.pulse.q.val();
        self.cfg_interrupt_msi_function_number.next = self.irq_fn.q.val();
        self.cfg_interrupt_msix_data.next = bit_cast::<32, 4>(self.vector.q.val());
        self.msix_retries.next = self.retries.q.val();
        self.pulse.d.next = false;
        if (self.state.q.val() == 0) & self.ready.q.val() & self.irq_valid.val() {
            // Our function f is the hard block's 0 (PF) or f + 3 (VF f).
            self.irq_fn.d.next = bit_cast::<8, FW>(self.irq_function.val()) + 3;
            if self.irq_function.val() == 0 {
                self.irq_fn.d.next = 0.into();
            }
            self.vector.d.next = self.irq_vector.val();
            self.ready.d.next = false;
            self.pulse.d.next = true;
            self.state.d.next = 2.into();
        }
        if (self.state.q.val() == 2) & !self.pulse.q.val() {
            if self.cfg_interrupt_msix_sent.val() {
                self.ready.d.next = true;
                self.state.d.next = 0.into();
            } else if self.cfg_interrupt_msix_fail.val() {
                self.timer.d.next = self.retry_gap.val();
                self.retries.d.next = self.retries.q.val() + 1;
                self.state.d.next = 3.into();
            }
        }
        if self.state.q.val() == 3 {
            self.timer.d.next = self.timer.q.val() - 1;
            if self.timer.q.val() == 0 {
                self.pulse.d.next = true;
                self.state.d.next = 2.into();
            }
        }
        if self.rst.val() {
            self.state.d.next = 0.into();
            self.ready.d.next = true;
            self.pulse.d.next = false;
            self.retries.d.next = 0.into();
        }
    }
}
