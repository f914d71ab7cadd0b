//! The wire types of the catalog resources, apart from their handlers, so
//! that the served state can hold their JSON without importing a handler.

pub mod conditions;
pub mod exercises;
pub mod red_flags;
pub mod sources;
pub mod techniques;
