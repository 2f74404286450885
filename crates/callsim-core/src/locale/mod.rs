//! Localisation in one place: the game languages and how a system locale
//! maps onto them ([`text`]), a trainer's multilingual [`text::Text`], the
//! core's own sentences ([`sentences`]) and the words of the frame around
//! a scenario ([`labels`]).

pub mod labels;
pub mod sentences;
pub mod text;
