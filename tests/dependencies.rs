//! The modules depend one way (issue 9): `app/` (update) never calls into `ui/` (render),
//! `state/` and `model/` know nothing of librdkafka, `kafka/` nothing of the app. And every
//! dependency in Cargo.toml is used by the code (issue 9: `tracing-appender` stayed
//! listed, compiled and shipped for months after its last use). What cargo-machete does, without
//! installing it: each crate's name (with `_` for `-`) must appear as a path (`name::`) or in a
//! `use`/`extern crate` in the sources the dependency is for.

use std::path::Path;

fn sources(dirs: &[&str]) -> String {
    let mut out = String::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stack: Vec<_> = dirs.iter().map(|d| root.join(d)).collect();
    while let Some(p) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&p) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                out.push_str(&std::fs::read_to_string(&path).unwrap());
                out.push('\n');
            }
        }
    }
    out
}

/// Whether `code` uses crate `name` (its Rust name): `name::…`, `use name`, `extern crate name`.
fn uses(code: &str, name: &str) -> bool {
    let bytes = code.as_bytes();
    code.match_indices(name).any(|(i, _)| {
        let before = i.checked_sub(1).map(|j| bytes[j]);
        let after = &code[i + name.len()..];
        let starts_word = !before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
        starts_word
            && (after.starts_with("::")
                || code[..i].ends_with("use ")
                || code[..i].ends_with("extern crate "))
    })
}

fn dependencies(table: &str) -> Vec<String> {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let doc: toml::Table = toml::from_str(&manifest).unwrap();
    doc.get(table)
        .and_then(|t| t.as_table())
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn every_dependency_is_used() {
    let main = sources(&["src"]);
    let all = sources(&["src", "tests", "benches"]);
    let mut unused = Vec::new();
    for (table, code) in [("dependencies", &main), ("dev-dependencies", &all)] {
        let listed = dependencies(table);
        assert!(!listed.is_empty(), "Cargo.toml has a [{table}] table");
        for dep in listed {
            if !uses(code, &dep.replace('-', "_")) {
                unused.push(format!("[{table}] {dep}"));
            }
        }
    }
    assert!(
        unused.is_empty(),
        "listed in Cargo.toml, used nowhere: {unused:?}"
    );
}

#[test]
fn the_check_sees_uses_and_only_uses() {
    assert!(uses("use tokio::sync;", "tokio"));
    assert!(uses("let x = serde_json::to_string(&v);", "serde_json"));
    assert!(uses("use anyhow;", "anyhow"));
    assert!(
        !uses("let my_tokio::x = 1;", "tokio"),
        "part of another name"
    );
    assert!(!uses("// tracing_appender is gone", "tracing_appender"));
    assert!(!uses("serde_json_ext::x()", "serde_json"));
}

/// The files under `dir`, each with its text up to its `#[cfg(test)]` module (tests may reach
/// across layers to build what they check).
fn shipped_files(dir: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut stack = vec![root.join(dir)];
    while let Some(p) = stack.pop() {
        for e in std::fs::read_dir(&p).unwrap().flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs")
                && !path.file_name().is_some_and(|n| n == "tests.rs")
            {
                let text = std::fs::read_to_string(&path).unwrap();
                let shipped = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
                out.push((
                    path.strip_prefix(root).unwrap().display().to_string(),
                    shipped,
                ));
            }
        }
    }
    out
}

/// Lines of the shipped code under `dir` that name any of `forbidden` (comments aside).
fn crossings(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, text) in shipped_files(dir) {
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for f in forbidden {
                if uses(code, f) {
                    found.push(format!("{path}:{}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    found
}

#[test]
fn layers_depend_one_way() {
    for (dir, forbidden) in [
        // Update asks layout.rs for rectangles and reads what drawing measured (state::reach),
        // never ui/.
        ("src/app", &["crate::ui", "ui"][..]),
        (
            "src/state",
            &["crate::ui", "crate::app", "crate::kafka", "rdkafka"][..],
        ),
        (
            "src/model",
            &[
                "crate::ui",
                "crate::app",
                "crate::state",
                "crate::kafka",
                "rdkafka",
                "ratatui",
            ][..],
        ),
        (
            "src/kafka",
            &["crate::ui", "crate::app", "crate::state"][..],
        ),
    ] {
        let found = crossings(dir, forbidden);
        assert!(
            found.is_empty(),
            "{dir} names {forbidden:?}:\n{}",
            found.join("\n")
        );
    }
}

#[test]
fn the_layer_check_sees_a_crossing() {
    let line = "    let max = ui::help::scroll_max(self, self.size);";
    assert!(uses(line, "ui"), "a path through ui:: is seen");
    assert!(
        !uses("use ratatui::layout::Rect;", "ui"),
        "the end of another crate's name is not"
    );
    assert!(
        !uses("self.quit = true;", "ui"),
        "part of another word is not"
    );
}
