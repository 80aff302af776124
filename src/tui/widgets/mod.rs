//! One widget per pane (and per popup), each drawing from `&App` and the theme.

pub mod browser;
pub mod common;
pub mod diff;
pub mod edit;
pub mod findings;
pub mod help;
pub mod json;
pub mod keys;
pub mod pin;
pub mod popup;
pub mod status;
pub mod token;
pub mod verdict;
