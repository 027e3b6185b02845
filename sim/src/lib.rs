//! Verilator harness and testbench library for vfpga designs.
//!
//! * [`verilator`]: builds emitted Verilog into a cached shared library
//!   ([`ModelLib::build`]) and drives instances cycle by cycle ([`Model`]).
//! * [`axis`]: AXI4-Stream [`AxisSource`], [`AxisSink`] and protocol
//!   [`AxisChecker`].
//! * [`regbus`]: a master of the blocks' register bus, [`RegBus`], with the
//!   bus rules checked every cycle.
//! * [`scoreboard`]: in-order, per-key packet [`Scoreboard`].
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
