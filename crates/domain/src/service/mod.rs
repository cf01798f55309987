//! Use cases. Handlers call these; these call ports. Every rule of the contract that is not a
//! wire-format rule lives here.

pub mod tags;
pub mod users;

pub use tags::TagService;
pub use users::UserService;
