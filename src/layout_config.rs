//! The config file's `[layout]` table: where the panes split and which one starts zoomed.
//! Read at start; `:layout save` writes the one on screen back, keeping the file's comments
//! and everything else in it as written (toml_edit edits the document, not a copy of it).

use std::path::Path;

use serde::Deserialize;

use crate::state::Pane;
use crate::ui::{Arrangement, SPLIT_MAX, SPLIT_MIN};

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LayoutConfig {
    /// Topics' share of the top row, in percent.
    pub split: Option<u16>,
    /// The top row's share of the body, in percent.
    pub height: Option<u16>,
    /// The pane that starts zoomed: topics, tail, producer, logs (or none).
    pub zoom: Option<String>,
}

impl LayoutConfig {
    pub fn arrangement(&self) -> Result<Arrangement, String> {
        let mut a = Arrangement::default();
        let percent = |name: &str, v: Option<u16>, default: u16| match v {
            None => Ok(default),
            Some(p) if (SPLIT_MIN..=SPLIT_MAX).contains(&p) => Ok(p),
            Some(p) => Err(format!(
                "[layout] {name} = {p}: give a percentage from {SPLIT_MIN} to {SPLIT_MAX}"
            )),
        };
        a.split = percent("split", self.split, a.split)?;
        a.auto_split = self.split.is_none();
        a.height = percent("height", self.height, a.height)?;
        a.zoomed = match self.zoom.as_deref() {
            None | Some("none") => None,
            Some(name) => Some(pane_named(name).ok_or_else(|| {
                format!("[layout] zoom = {name:?}: write topics, tail, producer, logs or none")
            })?),
        };
        Ok(a)
    }
}

fn pane_named(name: &str) -> Option<Pane> {
    Pane::ALL
        .into_iter()
        .find(|p| p.title().eq_ignore_ascii_case(name))
}

/// The zoomed pane as `[layout] zoom` writes it.
fn zoom_name(a: &Arrangement) -> String {
    a.zoomed
        .map_or("none".into(), |p| p.title().to_ascii_lowercase())
}

/// `text` (a config file, possibly empty) with its `[layout]` table set to `a`; the rest is
/// kept as it was, comments included.
pub fn with_layout(text: &str, a: &Arrangement) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| format!("it is not valid TOML: {}", e.message()))?;
    let table = doc
        .entry("layout")
        .or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()))
        .as_table_mut()
        .ok_or("its `layout` is not a table")?;
    // A split nobody chose is left out, so Topics still widens for long names.
    if a.auto_split {
        table.remove("split");
    } else {
        set(table, "split", i64::from(a.split).into());
    }
    set(table, "height", i64::from(a.height).into());
    set(table, "zoom", zoom_name(a).into());
    Ok(doc.to_string())
}

/// Sets `key`, keeping the comment after an old value (`split = 20 # narrow`).
fn set(table: &mut toml_edit::Table, key: &str, mut value: toml_edit::Value) {
    if let Some(old) = table.get(key).and_then(toml_edit::Item::as_value) {
        *value.decor_mut() = old.decor().clone();
    }
    table[key] = toml_edit::Item::Value(value);
}

/// Writes `a` into the config file at `path` (created, with its directory, when missing):
/// to a temporary file beside it, renamed over it, so a crash never leaves half a file.
pub fn save(path: &Path, a: &Arrangement) -> Result<(), String> {
    let text = match crate::config::read_small_file(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("cannot read it: {e}")),
    };
    let new = with_layout(&text, a)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create its directory: {e}"))?;
    }
    let tmp = path.with_extension("toml.kafka-tui-tmp");
    let mode =
        std::fs::metadata(path).map(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()));
    std::fs::write(&tmp, new).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    // The file may hold secrets: a new one is private, an old one keeps its mode.
    let perms = std::os::unix::fs::PermissionsExt::from_mode(mode.unwrap_or(0o600) & 0o7777);
    let _ = std::fs::set_permissions(&tmp, perms);
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot replace it: {e}")
    })
}

/// How `:layout` describes the arrangement.
pub fn describe(a: &Arrangement) -> String {
    format!(
        "layout: split {} %, top row {} %, zoom {}",
        a.split,
        a.height,
        zoom_name(a)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_becomes_an_arrangement_and_mistakes_are_named() {
        let cfg = LayoutConfig {
            split: Some(40),
            height: None,
            zoom: Some("Tail".into()),
        };
        let a = cfg.arrangement().unwrap();
        assert_eq!((a.split, a.height, a.zoomed), (40, 58, Some(Pane::Tail)));
        let bad = LayoutConfig {
            split: Some(95),
            ..Default::default()
        };
        assert_eq!(
            bad.arrangement().unwrap_err(),
            "[layout] split = 95: give a percentage from 10 to 90"
        );
        let bad = LayoutConfig {
            zoom: Some("tial".into()),
            ..Default::default()
        };
        assert!(bad.arrangement().unwrap_err().contains("topics, tail"));
    }

    #[test]
    fn saving_keeps_comments_and_other_tables_and_reads_back() {
        let text = "# my clusters\ntheme = \"dracula\" # dark\n\n[layout]\nsplit = 20 # narrow\n\n[clusters.prod]\nbootstrap = \"k:9092\"\n";
        let a = Arrangement {
            split: 34,
            height: 70,
            zoomed: Some(Pane::Logs),
            auto_split: false,
            ..Default::default()
        };
        let new = with_layout(text, &a).unwrap();
        assert!(
            new.starts_with("# my clusters\ntheme = \"dracula\" # dark\n"),
            "{new}"
        );
        assert!(
            new.contains("[clusters.prod]\nbootstrap = \"k:9092\"\n"),
            "{new}"
        );
        assert!(new.contains("split = 34 # narrow\n"), "{new}");
        let back = crate::config::ConfigFile::parse(Path::new("c.toml"), &new).unwrap();
        assert_eq!(back.layout.arrangement().unwrap(), a);
        assert_eq!(back.theme.as_deref(), Some("dracula"));
        // An empty file gets a table of its own.
        let fresh = with_layout("", &Arrangement::default()).unwrap();
        assert_eq!(fresh, "[layout]\nheight = 58\nzoom = \"none\"\n");
        assert!(with_layout("layout = 3\n", &a).is_err());
        assert!(with_layout("[x\n", &a).is_err());
    }

    #[test]
    fn save_creates_the_file_private_and_keeps_an_old_ones_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/config.toml");
        save(&path, &Arrangement::default()).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        let a = Arrangement {
            split: 50,
            auto_split: false,
            ..Default::default()
        };
        save(&path, &a).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        assert!(std::fs::read_to_string(&path)
            .unwrap()
            .contains("split = 50"));
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );
    }
}
