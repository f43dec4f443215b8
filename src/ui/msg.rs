//! Messages for the screen, translated when drawn.

use crate::i18n::Lang;

/// A message to show, kept as an i18n key so that switching language re-translates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
    pub level: Level,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

impl Msg {
    pub fn new(level: Level, key: &'static str) -> Msg {
        Msg {
            key,
            args: vec![],
            level,
        }
    }
    pub fn arg(mut self, name: &'static str, value: impl Into<String>) -> Msg {
        self.args.push((name, value.into()));
        self
    }
    pub fn text(&self, lang: Lang) -> String {
        let args: Vec<(&str, &str)> = self.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        crate::i18n::trf(lang, self.key, &args)
    }
}
