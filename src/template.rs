//! Placeholders in what the producer sends, filled anew for every record: `{{uuid}}`,
//! `{{now}}` (RFC 3339, milliseconds, UTC), `{{now_ms}}` (milliseconds since the epoch),
//! `{{seq}}` (1, 2, 3, … over the session) and `{{random_int A B}}` (A to B, both included).
//! `\{{` is a literal `{{`. Anything else between `{{` and `}}` is an error, so that a typo
//! is never sent as it stands.

use std::time::SystemTime;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Uuid,
    Now,
    NowMs,
    Seq,
    RandomInt(i64, i64),
}

/// One field's text, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("{{{{{0}}}}} is not a placeholder (uuid, now, now_ms, seq, random_int A B; \\{{{{ is a literal {{{{)")]
    Unknown(String),
    #[error("{{{{{0}}}}}: write random_int A B, two whole numbers with A ≤ B")]
    BadRandom(String),
    #[error("a {{{{ is not closed by }}}} (\\{{{{ is a literal {{{{)")]
    Unclosed,
}

/// What changes from one record to the next.
#[derive(Debug)]
pub struct Fill {
    /// The `{{seq}}` of the next record.
    pub seq: u64,
    rng: fastrand::Rng,
    clock: fn() -> SystemTime,
}

impl Default for Fill {
    fn default() -> Self {
        Fill {
            seq: 1,
            rng: fastrand::Rng::new(),
            clock: SystemTime::now,
        }
    }
}

impl Fill {
    /// A fill from `seq`, with a seeded generator and a clock of its own (tests fix both).
    pub fn seeded(seq: u64, seed: u64, clock: fn() -> SystemTime) -> Fill {
        Fill {
            seq,
            rng: fastrand::Rng::with_seed(seed),
            clock,
        }
    }
}

impl Template {
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(i) = rest.find("{{") {
            if rest[..i].ends_with('\\') {
                literal.push_str(&rest[..i - 1]);
                literal.push_str("{{");
                rest = &rest[i + 2..];
                continue;
            }
            literal.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let end = after.find("}}").ok_or(TemplateError::Unclosed)?;
            let inner = after[..end].trim();
            let part = placeholder(inner)?;
            if !literal.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut literal)));
            }
            parts.push(part);
            rest = &after[end + 2..];
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Template { parts })
    }

    /// Whether any placeholder is in it (a text without one is sent as typed).
    pub fn has_placeholders(&self) -> bool {
        self.parts.iter().any(|p| !matches!(p, Part::Text(_)))
    }

    /// The text for one record; `{{seq}}` reads `fill.seq` (the caller moves it on once per
    /// record, however many fields use it).
    pub fn render(&self, fill: &mut Fill) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Uuid => out.push_str(&uuid(&mut fill.rng)),
                Part::Now => {
                    out.push_str(&humantime::format_rfc3339_millis((fill.clock)()).to_string())
                }
                Part::NowMs => {
                    let ms = (fill.clock)()
                        .duration_since(SystemTime::UNIX_EPOCH)
                        .map_or(0, |d| d.as_millis());
                    out.push_str(&ms.to_string());
                }
                Part::Seq => out.push_str(&fill.seq.to_string()),
                Part::RandomInt(a, b) => out.push_str(&fill.rng.i64(*a..=*b).to_string()),
            }
        }
        out
    }
}

fn placeholder(inner: &str) -> Result<Part, TemplateError> {
    let mut words = inner.split_whitespace();
    let part = match words.next().unwrap_or("") {
        "uuid" => Part::Uuid,
        "now" => Part::Now,
        "now_ms" => Part::NowMs,
        "seq" => Part::Seq,
        "random_int" => {
            let bad = || TemplateError::BadRandom(inner.to_string());
            let a: i64 = words.next().and_then(|w| w.parse().ok()).ok_or_else(bad)?;
            let b: i64 = words.next().and_then(|w| w.parse().ok()).ok_or_else(bad)?;
            if a > b || words.next().is_some() {
                return Err(bad());
            }
            return Ok(Part::RandomInt(a, b));
        }
        _ => return Err(TemplateError::Unknown(inner.to_string())),
    };
    match words.next() {
        None => Ok(part),
        Some(_) => Err(TemplateError::Unknown(inner.to_string())),
    }
}

/// A random (version 4) UUID, drawn from `rng` so that tests can fix it.
fn uuid(rng: &mut fastrand::Rng) -> String {
    let bytes: [u8; 16] = std::array::from_fn(|_| rng.u8(..));
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn clock() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_millis(1_764_800_000_123)
    }

    #[test]
    fn placeholders_fill_and_text_stays() {
        let t = Template::parse(
            r#"{"id": "{{uuid}}", "at": "{{ now }}", "ms": {{now_ms}}, "n": {{seq}}, "r": {{random_int 5 7}}, "lit": "\{{seq}}"}"#,
        )
        .unwrap();
        assert!(t.has_placeholders());
        let mut fill = Fill::seeded(41, 7, clock);
        let out = t.render(&mut fill);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let id = v["id"].as_str().unwrap();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4", "a version 4 UUID: {id}");
        assert_eq!(v["at"], "2025-12-03T22:13:20.123Z");
        assert_eq!(v["ms"], 1_764_800_000_123u64);
        assert_eq!(v["n"], 41);
        assert!((5..=7).contains(&v["r"].as_i64().unwrap()));
        assert_eq!(v["lit"], "{{seq}}");
        // Each render draws again.
        assert_ne!(t.render(&mut fill), out);
        let plain = Template::parse("no placeholders, a } and a {").unwrap();
        assert!(!plain.has_placeholders());
        assert_eq!(plain.render(&mut fill), "no placeholders, a } and a {");
    }

    #[test]
    fn mistakes_are_named() {
        let err = |s: &str| Template::parse(s).unwrap_err().to_string();
        assert_eq!(
            err("a {{uudi}} b"),
            "{{uudi}} is not a placeholder (uuid, now, now_ms, seq, random_int A B; \\{{ is a literal {{)"
        );
        assert_eq!(
            err("{{random_int 9 1}}"),
            "{{random_int 9 1}}: write random_int A B, two whole numbers with A ≤ B"
        );
        assert!(err("{{random_int 1}}").contains("random_int A B"));
        assert!(err("{{seq 2}}").contains("not a placeholder"));
        assert_eq!(
            err("{{seq"),
            "a {{ is not closed by }} (\\{{ is a literal {{)"
        );
    }

    #[test]
    fn random_ints_cover_their_range_and_stay_in_it() {
        let t = Template::parse("{{random_int -2 2}}").unwrap();
        let mut fill = Fill::seeded(1, 1, clock);
        let seen: std::collections::BTreeSet<i64> = (0..200)
            .map(|_| t.render(&mut fill).parse().unwrap())
            .collect();
        assert_eq!(seen.into_iter().collect::<Vec<_>>(), vec![-2, -1, 0, 1, 2]);
        let whole = Template::parse("{{random_int -9223372036854775808 9223372036854775807}}");
        assert!(whole.is_ok());
    }
}

/// A producer draft as templates: key, header values and value.
#[derive(Debug, Clone)]
pub struct DraftTemplate {
    key: Option<Template>,
    headers: Vec<(String, Option<Template>)>,
    value: Template,
}

impl DraftTemplate {
    pub fn parse(d: &crate::state::producer::Draft) -> Result<DraftTemplate, TemplateError> {
        let text = |b: &[u8]| Template::parse(&String::from_utf8_lossy(b));
        Ok(DraftTemplate {
            key: d.key.as_deref().map(text).transpose()?,
            headers: d
                .headers
                .iter()
                .map(|h| Ok((h.name.clone(), h.value.as_deref().map(text).transpose()?)))
                .collect::<Result<_, TemplateError>>()?,
            value: text(&d.value)?,
        })
    }

    pub fn has_placeholders(&self) -> bool {
        self.value.has_placeholders()
            || self.key.as_ref().is_some_and(Template::has_placeholders)
            || self
                .headers
                .iter()
                .any(|(_, v)| v.as_ref().is_some_and(Template::has_placeholders))
    }

    /// One record's draft; moves `fill.seq` on by one.
    pub fn render(&self, fill: &mut Fill) -> crate::state::producer::Draft {
        let d = crate::state::producer::Draft {
            key: self.key.as_ref().map(|t| t.render(fill).into_bytes()),
            headers: self
                .headers
                .iter()
                .map(|(name, v)| crate::model::Header {
                    name: name.clone(),
                    value: v.as_ref().map(|t| t.render(fill).into_bytes()),
                })
                .collect(),
            value: self.value.render(fill).into_bytes(),
        };
        fill.seq += 1;
        d
    }
}
