//! `:jq EXPR` and `dump --jq`: jq programs over JSON values, with the jaq crates.
//!
//! A jq program can run forever (`last(range(1e18))`) or call `halt`, which jaq's own helper
//! answers with `process::exit`. So the program never runs on the UI thread: a worker thread
//! compiles and runs it, and the UI waits for each batch with a deadline. A program that
//! misses it is switched off and said so; its thread is abandoned (a thread cannot be
//! killed) and ends with the process.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use jaq_core::data::JustLut;
use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars};
use jaq_json::Val;

/// Outputs kept per record: `range(1e9)` is cut, not collected.
pub const MAX_OUTPUTS: usize = 100;

/// What a program made of one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The value is not JSON (or there is none): the program did not run.
    NotJson,
    /// The program's outputs, as compact JSON; none means the record is filtered out.
    Out(Vec<String>),
    /// The program failed on this value (e.g. `.a` on a string).
    Error(String),
}

impl Outcome {
    /// Whether the record is kept: the program gave at least one output.
    pub fn kept(&self) -> bool {
        matches!(self, Outcome::Out(v) if !v.is_empty())
    }

    /// The projection shown in place of the value.
    pub fn shown(&self) -> Option<String> {
        match self {
            Outcome::Out(v) if !v.is_empty() => Some(v.join(" ")),
            _ => None,
        }
    }
}

/// A compiled program. Not `Send` (jaq's filters hold `Rc`s): it lives on one thread.
pub struct Program {
    filter: jaq_core::Filter<JustLut<Val>>,
}

impl Program {
    /// Compiles `code`, or says in one line what is wrong with it and where.
    pub fn compile(code: &str) -> Result<Program, String> {
        if code.trim().is_empty() {
            return Err("empty jq program".into());
        }
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
        let loader = Loader::new(defs);
        let arena = Arena::default();
        let at = |rest: &str| code.len().saturating_sub(rest.len()) + 1;
        let modules = loader
            .load(&arena, File { code, path: () })
            .map_err(|errs| {
                let mut out = Vec::new();
                for (_, e) in errs {
                    match e {
                        jaq_core::load::Error::Io(v) => {
                            out.extend(v.into_iter().map(|(p, e)| format!("{p}: {e}")))
                        }
                        jaq_core::load::Error::Lex(v) => {
                            out.extend(v.into_iter().map(|(expect, rest)| {
                                format!("expected {} at column {}", expect.as_str(), at(rest))
                            }))
                        }
                        jaq_core::load::Error::Parse(v) => {
                            out.extend(v.into_iter().map(|(expect, rest)| {
                                let found = rest.split_whitespace().next().unwrap_or("the end");
                                format!(
                                    "expected {} at column {} (found {found:?})",
                                    expect.as_str(),
                                    at(rest)
                                )
                            }))
                        }
                    }
                }
                format!("jq syntax: {}", out.join("; "))
            })?;
        let filter = Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errs| {
                let names: Vec<String> = errs
                    .into_iter()
                    .flat_map(|(_, v)| v)
                    .map(|(name, undef)| format!("{} {name} is not defined", undef.as_str()))
                    .collect();
                format!("jq: {}", names.join("; "))
            })?;
        Ok(Program { filter })
    }

    /// Runs the program on one value.
    pub fn run(&self, value: Option<&[u8]>) -> Outcome {
        let Some(input) = value.and_then(|v| jaq_json::read::parse_single(v).ok()) else {
            return Outcome::NotJson;
        };
        let ctx = Ctx::<JustLut<Val>>::new(&self.filter.lut, Vars::new([]));
        let mut out = Vec::new();
        for r in self.filter.id.run((ctx, input)).take(MAX_OUTPUTS) {
            match r {
                Ok(v) => out.push(v.to_string()),
                // `halt` and `error` both end here: never `process::exit` (jaq's
                // `unwrap_valr` would).
                Err(exn) => {
                    let text = match exn.get_err() {
                        Ok(e) => e.to_string(),
                        Err(_) => "halt".to_string(),
                    };
                    return Outcome::Error(text);
                }
            }
        }
        Outcome::Out(out)
    }
}

/// A batch of values to run the program on.
type Job = Vec<Option<Vec<u8>>>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JqError {
    #[error("{0}")]
    Compile(String),
    #[error("jq program {0:?} did not finish in time (a loop?): switched off")]
    Timeout(String),
    #[error("jq worker ended")]
    Gone,
}

/// A program running on its own thread (see the module comment).
pub struct Jq {
    pub source: String,
    jobs: mpsc::Sender<Job>,
    results: mpsc::Receiver<Vec<Outcome>>,
}

impl std::fmt::Debug for Jq {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Jq({:?})", self.source)
    }
}

impl Jq {
    /// Starts a worker for `source`; a program that does not compile is an error here.
    pub fn start(source: &str) -> Result<Jq, JqError> {
        let (jobs_tx, jobs_rx) = mpsc::channel::<Job>();
        let (res_tx, res_rx) = mpsc::channel::<Vec<Outcome>>();
        let (ready_tx, ready_rx) = mpsc::channel::<Result<(), String>>();
        let code = source.to_string();
        thread::Builder::new()
            .name("jq".into())
            .spawn(move || {
                let program = match Program::compile(&code) {
                    Ok(p) => {
                        let _ = ready_tx.send(Ok(()));
                        p
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                while let Ok(job) = jobs_rx.recv() {
                    let out = job.iter().map(|v| program.run(v.as_deref())).collect();
                    if res_tx.send(out).is_err() {
                        return;
                    }
                }
            })
            .map_err(|e| JqError::Compile(format!("cannot start jq: {e}")))?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(Jq {
                source: source.to_string(),
                jobs: jobs_tx,
                results: res_rx,
            }),
            Ok(Err(e)) => Err(JqError::Compile(e)),
            Err(_) => Err(JqError::Gone),
        }
    }

    /// Runs the program on each value, waiting at most `deadline` for the whole batch.
    pub fn eval(&self, values: Job, deadline: Duration) -> Result<Vec<Outcome>, JqError> {
        if values.is_empty() {
            return Ok(Vec::new());
        }
        self.jobs.send(values).map_err(|_| JqError::Gone)?;
        match self.results.recv_timeout(deadline) {
            Ok(v) => Ok(v),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(JqError::Timeout(self.source.clone())),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(JqError::Gone),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(code: &str, value: &str) -> Outcome {
        Program::compile(code).unwrap().run(Some(value.as_bytes()))
    }

    #[test]
    fn selects_and_projects() {
        let code = "select(.amount > 100) | .order_id";
        assert_eq!(
            run(code, r#"{"amount": 150, "order_id": "o-1"}"#),
            Outcome::Out(vec![r#""o-1""#.into()])
        );
        let small = run(code, r#"{"amount": 5, "order_id": "o-2"}"#);
        assert_eq!(small, Outcome::Out(vec![]));
        assert!(!small.kept());
        assert_eq!(
            run(".items[] | .sku", r#"{"items":[{"sku":"a"},{"sku":"b"}]}"#).shown(),
            Some(r#""a" "b""#.into())
        );
        assert_eq!(
            run("{id: .id}", r#"{"id": 1, "x": 2}"#).shown(),
            Some(r#"{"id":1}"#.into())
        );
    }

    #[test]
    fn values_that_are_not_json_are_left_out() {
        let p = Program::compile(".").unwrap();
        assert_eq!(p.run(Some(b"not json")), Outcome::NotJson);
        assert_eq!(p.run(Some(b"\xff\x00")), Outcome::NotJson);
        assert_eq!(p.run(None), Outcome::NotJson);
    }

    #[test]
    fn runtime_errors_and_halt_are_outcomes_not_exits() {
        assert!(matches!(run(".a", r#""text""#), Outcome::Error(e) if e.contains("text")));
        assert!(matches!(run("error(\"boom\")", "1"), Outcome::Error(e) if e.contains("boom")));
        // jaq's unwrap_valr would exit the process here.
        assert!(matches!(run("halt", "1"), Outcome::Error(_)));
        assert!(matches!(run("halt_error", "1"), Outcome::Error(_)));
    }

    #[test]
    fn endless_output_is_cut() {
        match run("range(1e9)", "null") {
            Outcome::Out(v) => assert_eq!(v.len(), MAX_OUTPUTS),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn syntax_and_undefined_names_are_clear_errors() {
        let e = Program::compile("select(.a >").err().unwrap();
        assert!(e.starts_with("jq syntax: expected"), "{e}");
        let e = Program::compile(".a | nosuchfn").err().unwrap();
        assert!(e.contains("nosuchfn"), "{e}");
        assert!(e.contains("not defined"), "{e}");
        assert_eq!(Program::compile("  ").err().unwrap(), "empty jq program");
        let e = Program::compile("\"\\u12\"").err().unwrap();
        assert!(e.starts_with("jq syntax"), "{e}");
    }

    #[test]
    fn a_program_that_never_ends_is_switched_off_not_waited_for() {
        let jq = Jq::start("last(range(1e18))").unwrap();
        let t = std::time::Instant::now();
        let r = jq.eval(vec![Some(b"1".to_vec())], Duration::from_millis(200));
        assert!(matches!(r, Err(JqError::Timeout(_))), "{r:?}");
        assert!(t.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn the_worker_answers_in_order() {
        let jq = Jq::start(".n").unwrap();
        let out = jq
            .eval(
                vec![
                    Some(br#"{"n":1}"#.to_vec()),
                    None,
                    Some(br#"{"n":2}"#.to_vec()),
                ],
                Duration::from_secs(10),
            )
            .unwrap();
        assert_eq!(
            out,
            vec![
                Outcome::Out(vec!["1".into()]),
                Outcome::NotJson,
                Outcome::Out(vec!["2".into()])
            ]
        );
        assert!(matches!(Jq::start("(("), Err(JqError::Compile(_))));
    }
}
