//! Exchange with other OS databases.

pub mod osinfo;
