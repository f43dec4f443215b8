//! The terminal UI. State and update live in `app`; every event becomes an `Action`; database work
//! is a `Task` run by `tasks` whose result comes back as another `Action`; drawing is a function of
//! the state (`draw`). Nothing here awaits the database on the key or draw path.

pub mod action;
pub mod app;
pub mod commands;
pub mod draw;
pub mod event_loop;
pub mod input;
pub mod keymap;
pub mod list_view;
pub mod msg;
pub mod paste;
pub mod screen;
pub mod screens;
pub mod tasks;
pub mod terminal;
pub mod theme;
pub mod widgets;
