//! The one integration-test binary: every module drives the real router
//! in-process (see `helpers`).

mod catalog_api;
mod cds;
mod cds_security;
mod content;
mod errors;
mod hardening;
mod helpers;
mod illustrations;
mod openapi;
mod pages;
mod plan;
mod properties;
mod recommendation;
mod safety;
