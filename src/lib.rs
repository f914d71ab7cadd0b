//! backcare: a back-pain self-care service.
//!
//! Layers depend one way: [`catalog`] (content) -> [`engine`] -> [`ehr`]
//! (FHIR records) -> [`http`] -> main; [`illustration`] draws the
//! catalog's poses for http.

pub mod catalog;
pub mod config;
pub mod content;
pub mod ehr;
pub mod engine;
pub mod health;
pub mod http;
pub mod illustration;
pub mod json;
