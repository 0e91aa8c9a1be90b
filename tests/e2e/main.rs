//! End-to-end tests against a real server: one test binary, one module per area.

mod abuse;
mod ai;
mod analysis;
mod contacts;
mod dashboard;
mod deal_imports;
mod deals;
mod identity;
mod imports;
mod isolation;
mod limits;
mod partners;
mod persistence;
mod probes;
mod program;
mod real_model;
mod rollups;
mod schema;
mod startup;
mod telemetry;
mod tiers;
mod transport;
mod views;
mod websocket;
