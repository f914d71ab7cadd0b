//! The EHR layer: a CDS Hooks prefetch of FHIR R4 resources read into a
//! [`Record`] of what the chart says ([`fhir`]), the record made into the
//! engine's [`Person`](crate::engine::Person) with the assumptions a chart
//! needs, and whether the chart concerns back pain at all ([`person`]);
//! FHIR dates and durations ([`dates`]). No HTTP here: the CDS Hooks
//! handlers check the call, ask this layer, run the engine and render the
//! card.

pub mod dates;
pub mod fhir;
pub mod person;
mod record;

pub use dates::Date;
pub use person::{concerns_back_pain, is_relevant, person};
pub use record::{Mapped, Problem, Record};
