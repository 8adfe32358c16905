//! Seeded, virtual-time network simulator. Filled in by the transport-core work.
