//! Verilator harness and testbench library for vfpga designs.
//!
//! * [`verilator`]: builds emitted Verilog into a cached shared library
//!   ([`ModelLib::build`]) and drives instances cycle by cycle ([`Model`]).
//! * [`axis`]: AXI4-Stream [`AxisSource`], [`AxisSink`] and protocol
//!   [`AxisChecker`].
//! * [`regbus`]: a master of the blocks' register bus, [`RegBus`], with the
//!   bus rules checked every cycle.
//! * [`scoreboard`]: in-order, per-key packet [`Scoreboard`].
//! * [`host`]: host memory behind an IOMMU ([`host::HostMem`], and
//!   [`host::ReadPort`] for a second, read-only master on it); [`driver`]: a
//!   VF's DMA driver ([`driver::VfDriver`]) over a [`driver::Window`].
//! * [`axicheck`]: per-cycle checks of valid/ready channels and AXI4 masters.
//! * [`shell`]: the whole shell as a [`driver::Platform`] ([`shell::ShellSim`]);
//!   on it, [`orchestrator::Orchestrator`] (the PF: attach, detach, load,
//!   QoS, status table) and [`vm::Vm`] (a VM and its VF).
//! * [`rng`]: deterministic [`Rng`] and per-test seeds ([`test_seed`],
//!   overridable with `VFPGA_SEED`).
//!
//! See `sim/README.md` for the flow, the cycle convention and the
//! environment variables (`VFPGA_SIM_CACHE`, `VFPGA_WAVES`, `VFPGA_SEED`).

pub mod axis;
pub mod regbus;
pub mod rng;
pub mod scoreboard;
pub mod verilator;

pub use axis::{cycle, Agent, AxisChecker, AxisSink, AxisSource, AxisViolation, Packet};
pub use regbus::{RegBus, RegBusViolation, RegResponse};
pub use rng::{test_seed, Rng};
pub use scoreboard::{ScoreError, Scoreboard};
pub use verilator::{
    parse_ports, Dir, ErrorKind, Model, ModelLib, ModelSpec, Port, PortId, PortKey, SimError,
};
pub mod axil;
pub mod host;
pub mod driver;
pub mod axicheck;
pub mod shell;
pub mod orchestrator;
pub mod vm;
pub mod pcie;
