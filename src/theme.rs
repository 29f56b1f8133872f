//! Themes: small TOML files of named styles (see `themes/`), turned into ratatui `Style`s.
//!
//! A theme has an optional `[palette]` of named colours (used as `"$name"`), then sections
//! `[base]`, `[header]`, `[status]`, `[tail]`, `[logs]` whose entries are style tables such as
//! `title = { fg = "$accent", bold = true }`. Entries a theme leaves out keep the defaults.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

pub const BUILTIN: &[(&str, &str)] = &[
    ("dark", include_str!("../themes/dark.toml")),
    ("light", include_str!("../themes/light.toml")),
    ("default", include_str!("../themes/default.toml")),
    ("gruvbox", include_str!("../themes/gruvbox.toml")),
    ("dracula", include_str!("../themes/dracula.toml")),
    ("solarized", include_str!("../themes/solarized.toml")),
];

/// The built-in theme that uses only the terminal's 16 colours: what a terminal without
/// 24-bit colour gets instead of a truecolor theme.
pub const SIXTEEN: &str = "default";

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("theme {name:?} is not valid")]
    Toml {
        name: String,
        source: toml::de::Error,
    },
    #[error("theme {name:?}: unknown style {key:?} (known: {known})")]
    UnknownKey {
        name: String,
        key: String,
        known: String,
    },
    #[error("theme {name:?}: style {key:?}: {msg}")]
    BadColor {
        name: String,
        key: String,
        msg: String,
    },
    #[error("no theme named {0:?}: built-in themes are dark, light, default (16 colours), gruvbox, dracula and solarized; or give a path to a .toml file")]
    NotFound(String),
    #[error("cannot read theme file {path}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    /// One style per role, indexed by `Role as usize`; `None` where the theme is silent.
    styles: [Option<Style>; Role::ALL.len()],
    /// Set by `without_colors` (`NO_COLOR`): colours that content asks for (a log line's SGR
    /// codes) are dropped too.
    pub no_color: bool,
    /// Why this theme and not the one asked for (the 16-colour fallback), for the status line.
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    dim: bool,
    #[serde(default)]
    underlined: bool,
    #[serde(default)]
    reversed: bool,
}

#[derive(Debug, Deserialize)]
struct ThemeFile {
    #[serde(default)]
    palette: BTreeMap<String, String>,
    #[serde(flatten)]
    sections: BTreeMap<String, BTreeMap<String, StyleSpec>>,
}

/// Every style a theme may set: what the screen asks a theme for, so that a misspelt style
/// is a compile error, and the key a theme file names it by (`[tail] offset = …`). A theme
/// that leaves one out draws it plain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    BaseText,
    BaseMuted,
    BaseBorder,
    BaseBorderFocused,
    BaseTitle,
    BaseTitleFocused,
    BaseSelected,
    BaseHighlight,
    HeaderBar,
    HeaderOk,
    HeaderWarn,
    HeaderError,
    StatusBar,
    StatusKey,
    StatusInfo,
    StatusError,
    TailPartition,
    TailOffset,
    TailTimestamp,
    TailKey,
    TailValue,
    TailHeaders,
    TailPaused,
    LogsError,
    LogsWarn,
    LogsInfo,
    LogsDebug,
    LogsOther,
}

impl Role {
    pub const ALL: [Role; 28] = [
        Role::BaseText,
        Role::BaseMuted,
        Role::BaseBorder,
        Role::BaseBorderFocused,
        Role::BaseTitle,
        Role::BaseTitleFocused,
        Role::BaseSelected,
        Role::BaseHighlight,
        Role::HeaderBar,
        Role::HeaderOk,
        Role::HeaderWarn,
        Role::HeaderError,
        Role::StatusBar,
        Role::StatusKey,
        Role::StatusInfo,
        Role::StatusError,
        Role::TailPartition,
        Role::TailOffset,
        Role::TailTimestamp,
        Role::TailKey,
        Role::TailValue,
        Role::TailHeaders,
        Role::TailPaused,
        Role::LogsError,
        Role::LogsWarn,
        Role::LogsInfo,
        Role::LogsDebug,
        Role::LogsOther,
    ];

    /// The name of the style in a theme file: `section.key`.
    pub fn key(self) -> &'static str {
        match self {
            Role::BaseText => "base.text",
            Role::BaseMuted => "base.muted",
            Role::BaseBorder => "base.border",
            Role::BaseBorderFocused => "base.border_focused",
            Role::BaseTitle => "base.title",
            Role::BaseTitleFocused => "base.title_focused",
            Role::BaseSelected => "base.selected",
            Role::BaseHighlight => "base.highlight",
            Role::HeaderBar => "header.bar",
            Role::HeaderOk => "header.ok",
            Role::HeaderWarn => "header.warn",
            Role::HeaderError => "header.error",
            Role::StatusBar => "status.bar",
            Role::StatusKey => "status.key",
            Role::StatusInfo => "status.info",
            Role::StatusError => "status.error",
            Role::TailPartition => "tail.partition",
            Role::TailOffset => "tail.offset",
            Role::TailTimestamp => "tail.timestamp",
            Role::TailKey => "tail.key",
            Role::TailValue => "tail.value",
            Role::TailHeaders => "tail.headers",
            Role::TailPaused => "tail.paused",
            Role::LogsError => "logs.error",
            Role::LogsWarn => "logs.warn",
            Role::LogsInfo => "logs.info",
            Role::LogsDebug => "logs.debug",
            Role::LogsOther => "logs.other",
        }
    }

    fn of_key(key: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == key)
    }
}

fn parse_color(s: &str, palette: &BTreeMap<String, String>) -> Result<Color, String> {
    let resolved = match s.strip_prefix('$') {
        Some(name) => palette
            .get(name)
            .ok_or_else(|| format!("no palette colour named {name:?}"))?,
        None => s,
    };
    Color::from_str(resolved).map_err(|_| {
        format!("{resolved:?} is not a colour (use a name like \"red\", \"#rrggbb\" or 0-255)")
    })
}

impl Theme {
    pub fn parse(name: &str, text: &str) -> Result<Theme, ThemeError> {
        let file: ThemeFile = toml::from_str(text).map_err(|source| ThemeError::Toml {
            name: name.into(),
            source,
        })?;
        let mut styles = [None; Role::ALL.len()];
        for (section, entries) in file.sections {
            for (key, spec) in entries {
                let full = format!("{section}.{key}");
                let Some(role) = Role::of_key(&full) else {
                    return Err(ThemeError::UnknownKey {
                        name: name.into(),
                        key: full,
                        known: Role::ALL.map(Role::key).join(", "),
                    });
                };
                let bad = |msg| ThemeError::BadColor {
                    name: name.into(),
                    key: full.clone(),
                    msg,
                };
                let mut style = Style::default();
                if let Some(fg) = &spec.fg {
                    style = style.fg(parse_color(fg, &file.palette).map_err(bad)?);
                }
                if let Some(bg) = &spec.bg {
                    style = style.bg(parse_color(bg, &file.palette).map_err(bad)?);
                }
                let mods = [
                    (spec.bold, Modifier::BOLD),
                    (spec.italic, Modifier::ITALIC),
                    (spec.dim, Modifier::DIM),
                    (spec.underlined, Modifier::UNDERLINED),
                    (spec.reversed, Modifier::REVERSED),
                ];
                for (on, m) in mods {
                    if on {
                        style = style.add_modifier(m);
                    }
                }
                styles[role as usize] = Some(style);
            }
        }
        Ok(Theme {
            name: name.into(),
            styles,
            no_color: false,
            note: None,
        })
    }

    /// A built-in theme by name, a user theme `<config dir>/themes/NAME.toml`, or a path.
    pub fn load(name_or_path: &str, config_dir: Option<&Path>) -> Result<Theme, ThemeError> {
        if let Some((_, text)) = BUILTIN.iter().find(|(n, _)| *n == name_or_path) {
            return Theme::parse(name_or_path, text);
        }
        let candidates = [
            Some(Path::new(name_or_path).to_path_buf()).filter(|p| p.extension().is_some()),
            config_dir.map(|d| d.join("themes").join(format!("{name_or_path}.toml"))),
        ];
        for path in candidates.into_iter().flatten() {
            if path.exists() {
                let text =
                    crate::config::read_small_file(&path).map_err(|source| ThemeError::Io {
                        path: path.display().to_string(),
                        source,
                    })?;
                return Theme::parse(&path.display().to_string(), &text);
            }
        }
        Err(ThemeError::NotFound(name_or_path.into()))
    }

    pub fn builtin(name: &str) -> Theme {
        Theme::load(name, None).expect("built-in themes are valid (tested)")
    }

    /// Whether any style asks for a 24-bit colour (`#rrggbb`).
    pub fn uses_rgb(&self) -> bool {
        self.styles
            .iter()
            .flatten()
            .flat_map(|s| [s.fg, s.bg])
            .any(|c| matches!(c, Some(Color::Rgb(..))))
    }

    /// The theme to draw with on this terminal: `self`, or the 16-colour theme when `self`
    /// uses 24-bit colours that the terminal does not say it shows, with a line for the
    /// person that says why and how to choose otherwise.
    pub fn for_terminal(self, truecolor: bool) -> (Theme, Option<String>) {
        if truecolor || self.no_color || !self.uses_rgb() {
            return (self, None);
        }
        let note = format!(
            "theme {}: this terminal does not say it shows 24-bit colour (COLORTERM=truecolor), so the 16-colour theme is used; KAFKA_TUI_TRUECOLOR=1 uses {} anyway",
            self.name, self.name
        );
        (Theme::builtin(SIXTEEN), Some(note))
    }

    /// Removes every colour, keeping bold/reverse etc.: for `NO_COLOR`.
    pub fn without_colors(mut self) -> Theme {
        for s in self.styles.iter_mut().flatten() {
            s.fg = None;
            s.bg = None;
        }
        self.no_color = true;
        self
    }

    /// The style for `role`; one the theme leaves out is plain.
    pub fn style(&self, role: Role) -> Style {
        self.styles[role as usize].unwrap_or_default()
    }
}

/// Whether the terminal shows 24-bit colour, from the environment: `KAFKA_TUI_TRUECOLOR`
/// (1/0) decides when set; else `COLORTERM` (`truecolor`, `24bit`, as terminals set it) or a
/// `TERM` ending in `-direct`.
pub fn truecolor_terminal(env: impl Fn(&str) -> Option<String>) -> bool {
    if let Some(v) = env("KAFKA_TUI_TRUECOLOR").filter(|v| !v.is_empty()) {
        return !matches!(v.trim(), "0" | "false" | "no" | "off");
    }
    let colorterm = env("COLORTERM").unwrap_or_default().to_ascii_lowercase();
    colorterm.contains("truecolor")
        || colorterm.contains("24bit")
        || env("TERM").is_some_and(|t| t.ends_with("-direct"))
}

impl Default for Theme {
    fn default() -> Self {
        Theme::builtin("dark")
    }
}

#[cfg(test)]
mod tests {

    /// `--theme NAME` (or `theme = "NAME"`) finds `<config dir>/themes/NAME.toml`: what main
    /// passes as the config dir is `$XDG_CONFIG_HOME/kafka-tui` (dirs::config_dir).
    #[test]
    fn a_user_theme_is_found_by_name_in_the_config_dir() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("themes")).unwrap();
        let dark = BUILTIN.iter().find(|(n, _)| *n == "dark").unwrap().1;
        // The same as dark but for the offsets' colour.
        let ocean = dark.replace(
            r#"offset = { fg = "$blue" }"#,
            r##"offset = { fg = "#123456" }"##,
        );
        assert_ne!(ocean, dark);
        std::fs::write(dir.path().join("themes/ocean.toml"), ocean).unwrap();
        let theme = Theme::load("ocean", Some(dir.path())).unwrap();
        assert_eq!(
            theme.style(Role::TailOffset).fg,
            Some(ratatui::style::Color::Rgb(0x12, 0x34, 0x56))
        );
        assert!(theme.name.ends_with("ocean.toml"), "{}", theme.name);
        assert!(matches!(
            Theme::load("ocean", None),
            Err(ThemeError::NotFound(_))
        ));
        assert!(matches!(
            Theme::load("coral", Some(dir.path())),
            Err(ThemeError::NotFound(_))
        ));
    }
    use super::*;

    #[test]
    fn a_terminal_without_truecolor_gets_the_16_colour_theme() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert!(truecolor_terminal(env(&[("COLORTERM", "truecolor")])));
        assert!(truecolor_terminal(env(&[("COLORTERM", "24bit")])));
        assert!(truecolor_terminal(env(&[("TERM", "xterm-direct")])));
        assert!(!truecolor_terminal(env(&[("TERM", "xterm-256color")])));
        assert!(!truecolor_terminal(env(&[
            ("COLORTERM", "truecolor"),
            ("KAFKA_TUI_TRUECOLOR", "0")
        ])));
        assert!(truecolor_terminal(env(&[("KAFKA_TUI_TRUECOLOR", "1")])));

        for name in ["dark", "light", "gruvbox", "dracula", "solarized"] {
            let t = Theme::builtin(name);
            assert!(t.uses_rgb(), "{name} is a truecolor theme");
            let (kept, note) = t.clone().for_terminal(true);
            assert_eq!((kept.name.as_str(), note), (name, None));
            let (fallback, note) = t.for_terminal(false);
            assert_eq!(fallback.name, SIXTEEN);
            assert!(!fallback.uses_rgb());
            assert!(note.unwrap().contains(&format!("theme {name}")));
        }
        let sixteen = Theme::builtin(SIXTEEN);
        assert_eq!(sixteen.clone().for_terminal(false), (sixteen, None));
        let plain = Theme::builtin("dark").without_colors();
        assert!(
            plain.clone().for_terminal(false).1.is_none(),
            "NO_COLOR stays"
        );
    }

    #[test]
    fn every_builtin_theme_parses_and_sets_every_key() {
        for (name, text) in BUILTIN {
            let t = Theme::parse(name, text).unwrap_or_else(|e| panic!("{e}"));
            for role in Role::ALL {
                assert!(
                    t.styles[role as usize].is_some(),
                    "theme {name} does not set {}",
                    role.key()
                );
            }
        }
    }

    #[test]
    fn each_role_has_its_own_slot_and_key() {
        for (i, role) in Role::ALL.into_iter().enumerate() {
            assert_eq!(role as usize, i, "{role:?} is in ALL at its own index");
            assert_eq!(Role::of_key(role.key()), Some(role));
        }
    }

    #[test]
    fn palette_and_modifiers() {
        let t = Theme::parse(
            "t",
            "[palette]\npink = \"#ff79c6\"\n[base]\ntitle = { fg = \"$pink\", bold = true }\n",
        )
        .unwrap();
        let s = t.style(Role::BaseTitle);
        assert_eq!(s.fg, Some(Color::Rgb(0xff, 0x79, 0xc6)));
        assert!(s.add_modifier.contains(Modifier::BOLD));
    }

    #[test]
    fn errors_are_specific() {
        let e = Theme::parse("t", "[tail]\nofset = { fg = \"red\" }\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("tail.ofset"), "{e}");
        let e = Theme::parse("t", "[tail]\noffset = { fg = \"$nope\" }\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("nope"), "{e}");
        let e = Theme::parse("t", "[tail]\noffset = { fg = \"blurple\" }\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("blurple"), "{e}");
        let e = format!(
            "{:#}",
            anyhow::Error::from(Theme::parse("t", "[tail\n").unwrap_err())
        );
        assert!(e.contains("line 1"), "{e}");
        assert!(matches!(
            Theme::load("nosuch", None),
            Err(ThemeError::NotFound(_))
        ));
    }

    #[test]
    fn no_color_strips_colours_only() {
        let t = Theme::builtin("dark").without_colors();
        assert!(t
            .styles
            .iter()
            .flatten()
            .all(|s| s.fg.is_none() && s.bg.is_none()));
    }
}
