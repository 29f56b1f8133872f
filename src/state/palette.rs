//! The `:` palette: the candidates Tab lists above the command line (commands, then their
//! arguments), fuzzy-filtered as the person types. Plain data and the matching;
//! app/palette.rs fills it, ui/palette.rs draws it.

use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// Something Tab can write into the command line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Candidate {
    /// What accepting it writes in place of the word being typed.
    pub text: String,
    /// Other names it answers to (a command's aliases): matched too, shown after `text`.
    pub aliases: Vec<String>,
    /// Shown beside it: a command's usage and description, a cluster's bootstrap.
    pub desc: String,
    /// A colour to show it in (a cluster's `color`), as the config file spells it.
    pub color: Option<String>,
}

impl Candidate {
    pub fn new(text: impl Into<String>, desc: impl Into<String>) -> Self {
        Candidate {
            text: text.into(),
            desc: desc.into(),
            ..Default::default()
        }
    }

    /// The first column: `text`, then the aliases in parentheses.
    pub fn label(&self) -> String {
        match self.aliases.as_slice() {
            [] => self.text.clone(),
            a => format!("{} ({})", self.text, a.join(", ")),
        }
    }

    /// Each name matched, with where it starts in `label()`, in characters.
    fn keys(&self) -> Vec<(&str, u32)> {
        let mut at = self.text.chars().count() as u32 + 2;
        let mut keys = vec![(self.text.as_str(), 0)];
        for a in &self.aliases {
            keys.push((a.as_str(), at));
            at += a.chars().count() as u32 + 2;
        }
        keys
    }
}

/// A candidate that matches the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Its place in `Palette::candidates`.
    pub index: usize,
    /// The matched characters, as character positions in its `label()`, ascending.
    pub chars: Vec<u32>,
}

/// The open candidate list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Palette {
    /// What is being completed ("commands", "topics", ...), for the list's title.
    pub title: String,
    pub candidates: Vec<Candidate>,
    /// The word being completed.
    pub query: String,
    /// The candidates that match `query`, best first.
    pub hits: Vec<Hit>,
    /// Index into `hits`. Nothing is selected until something is typed or chosen, so Enter on
    /// `:groups ` runs `:groups` rather than opening the first group.
    pub selected: Option<usize>,
}

impl Palette {
    pub fn new(title: impl Into<String>, candidates: Vec<Candidate>, query: &str) -> Self {
        let mut p = Palette {
            title: title.into(),
            candidates,
            ..Default::default()
        };
        p.set_query(query);
        p
    }

    /// Filters again for `query`; the best match is selected, none for an empty query.
    pub fn set_query(&mut self, query: &str) {
        self.query = query.to_string();
        self.hits = filter(&self.candidates, query);
        self.selected = (!query.is_empty() && !self.hits.is_empty()).then_some(0);
    }

    pub fn selected(&self) -> Option<&Candidate> {
        self.selected
            .and_then(|i| self.hits.get(i))
            .map(|h| &self.candidates[h.index])
    }

    /// Moves the selection, wrapping round at either end; from none, to the first or last.
    pub fn move_by(&mut self, delta: i64) {
        let n = self.hits.len() as i64;
        if n == 0 {
            return;
        }
        let from = match self.selected {
            Some(i) => i as i64,
            None if delta > 0 => -1,
            None => 0,
        };
        self.selected = Some((from + delta).rem_euclid(n) as usize);
    }
}

/// The candidates matching `query`, best first; equal scores keep the candidates' order, so
/// an empty query lists them all as given. A candidate scores by its best name (aliases
/// count); its name wins a tie, so `g` highlights in `groups` rather than in the alias `g`.
/// A name typed in full comes first whatever the scores: `schema` is `:schema`, not `:schemas`.
pub fn filter(candidates: &[Candidate], query: &str) -> Vec<Hit> {
    if query.is_empty() {
        return (0..candidates.len())
            .map(|index| Hit {
                index,
                chars: Vec::new(),
            })
            .collect();
    }
    // prefer_prefix: the person is typing the start of a word, as in an editor's completion
    // (nucleo's own advice for autocompletion).
    let mut config = Config::DEFAULT;
    config.prefer_prefix = true;
    let mut matcher = Matcher::new(config);
    let atom = Atom::new(
        query,
        CaseMatching::Smart,
        Normalization::Smart,
        AtomKind::Fuzzy,
        false,
    );
    let mut buf = Vec::new();
    let mut scored: Vec<((bool, u16), Hit)> = candidates
        .iter()
        .enumerate()
        .filter_map(|(index, c)| {
            let exact = c.keys().iter().any(|(k, _)| *k == query);
            let mut best: Option<(u16, Vec<u32>)> = None;
            for (key, at) in c.keys() {
                let mut idx = Vec::new();
                let Some(score) =
                    atom.indices(Utf32Str::new(key, &mut buf), &mut matcher, &mut idx)
                else {
                    continue;
                };
                if best.as_ref().map_or(true, |(b, _)| score > *b) {
                    idx.sort_unstable();
                    idx.dedup();
                    best = Some((score, idx.into_iter().map(|i| i + at).collect()));
                }
            }
            best.map(|(score, chars)| ((exact, score), Hit { index, chars }))
        })
        .collect();
    // Stable: ties keep the table's order.
    scored.sort_by_key(|(rank, _)| std::cmp::Reverse(*rank));
    scored.into_iter().map(|(_, h)| h).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commands() -> Vec<Candidate> {
        crate::app::command::COMMANDS
            .iter()
            .map(|c| Candidate {
                text: c.name.into(),
                aliases: c.aliases.iter().map(|a| a.to_string()).collect(),
                ..Default::default()
            })
            .collect()
    }

    fn names(cands: &[Candidate], query: &str) -> Vec<String> {
        filter(cands, query)
            .iter()
            .map(|h| cands[h.index].text.clone())
            .collect()
    }

    #[test]
    fn an_empty_query_lists_every_command_in_table_order() {
        let c = commands();
        let all: Vec<String> = c.iter().map(|c| c.text.clone()).collect();
        assert_eq!(names(&c, ""), all);
    }

    #[test]
    fn an_ambiguous_prefix_lists_every_command_it_starts() {
        let c = commands();
        let got = names(&c, "s");
        for want in ["streams", "schemas", "schema"] {
            assert!(got.contains(&want.to_string()), "{want} in {got:?}");
        }
        // Those starting with it come before those merely containing it.
        let starts = got.iter().take_while(|n| n.starts_with('s')).count();
        assert_eq!(starts, 3, "{got:?}");
        let te = names(&c, "t");
        assert_eq!(&te[..2], ["topics", "tail"], "{te:?}");
    }

    #[test]
    fn a_fuzzy_query_finds_the_command() {
        let c = commands();
        assert_eq!(names(&c, "grp")[0], "groups");
        assert_eq!(names(&c, "ctx")[0], "ctx");
        assert_eq!(names(&c, "schms")[0], "schemas");
        // By alias: `kc` is connect's.
        assert_eq!(names(&c, "kc")[0], "connect");
        // Typed in full, it comes first even where a longer name scores the same.
        assert_eq!(names(&c, "schema")[..2], ["schema", "schemas"]);
        assert!(names(&c, "zzz").is_empty());
    }

    #[test]
    fn hits_point_at_the_matched_characters_of_the_label() {
        let c = commands();
        let groups = c.iter().position(|c| c.text == "groups").unwrap();
        let hits = filter(&c, "grp");
        let h = hits.iter().find(|h| h.index == groups).unwrap();
        let label: Vec<char> = c[groups].label().chars().collect();
        let matched: String = h.chars.iter().map(|&i| label[i as usize]).collect();
        assert_eq!(matched, "grp");
        // An alias's match points into the parentheses.
        let cand = Candidate {
            text: "schemas".into(),
            aliases: vec!["sr".into(), "registry".into()],
            ..Default::default()
        };
        let h = &filter(std::slice::from_ref(&cand), "regis")[0];
        let label: Vec<char> = cand.label().chars().collect();
        let matched: String = h.chars.iter().map(|&i| label[i as usize]).collect();
        assert_eq!(matched, "regis", "{}", cand.label());
    }

    #[test]
    fn the_selection_wraps_and_resets_on_a_new_query() {
        let mut p = Palette::new("commands", commands(), "");
        assert_eq!(p.selected(), None, "nothing typed, nothing chosen");
        p.move_by(-1);
        assert_eq!(p.selected().unwrap().text, "quit");
        p.move_by(1);
        assert_eq!(p.selected().unwrap().text, "topics");
        p.move_by(3);
        p.set_query("grp");
        assert_eq!(p.selected().unwrap().text, "groups");
        p.set_query("zzz");
        assert_eq!(p.selected(), None);
        p.move_by(1);
        assert_eq!(p.selected, None);
    }
}
