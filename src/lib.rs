//! backcare: a back-pain self-care service.
//!
//! Layers depend one way: [`catalog`] (content) -> [`engine`] -> [`ehr`]
//! (FHIR records) -> [`http`] -> main.

pub mod catalog;
pub mod config;
pub mod content;
pub mod ehr;
pub mod engine;
pub mod http;
pub mod json;
