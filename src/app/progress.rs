//! A progress line on stderr for long builds: shown only when stderr is a terminal, the output
//! format is text, and the build has run for a second (`MLSYSIM_PROGRESS_AFTER_MS` changes that
//! delay, for tests). The line is redrawn in place ten times a second and erased when the build
//! ends, so nothing of it remains in the terminal and nothing at all reaches a pipe or a file.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Environment variable overriding the delay before the line appears, in milliseconds.
pub const AFTER_ENV: &str = "MLSYSIM_PROGRESS_AFTER_MS";

/// The default delay before the line appears.
pub const DEFAULT_AFTER: Duration = Duration::from_secs(1);

const REDRAW: Duration = Duration::from_millis(100);

/// ANSI: carriage return and erase the whole line.
const ERASE: &str = "\r\x1b[2K";

#[derive(Default)]
struct State {
    phase: &'static str,
    total: usize,
    finished: bool,
}

struct Shared {
    done: AtomicUsize,
    state: Mutex<State>,
    wake: Condvar,
}

/// A running progress line. Counting is cheap (one atomic add); drawing happens on its own thread.
pub struct Progress {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// A progress line for a command: drawn on stderr only when it is a terminal and `json` is
    /// false, after [`DEFAULT_AFTER`] (or `MLSYSIM_PROGRESS_AFTER_MS`).
    pub fn for_command(json: bool) -> Progress {
        if json || !std::io::stderr().is_terminal() {
            return Progress::disabled();
        }
        let after = std::env::var(AFTER_ENV)
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .map_or(DEFAULT_AFTER, Duration::from_millis);
        Progress::start(Box::new(std::io::stderr()), after)
    }

    /// A progress that counts but never draws.
    pub fn disabled() -> Progress {
        Progress {
            shared: Arc::new(Shared {
                done: AtomicUsize::new(0),
                state: Mutex::new(State::default()),
                wake: Condvar::new(),
            }),
            thread: None,
        }
    }

    /// A progress line drawn on `out` once `after` has passed.
    pub fn start(mut out: Box<dyn Write + Send>, after: Duration) -> Progress {
        let p = Progress::disabled();
        let shared = p.shared.clone();
        let started = Instant::now();
        let thread = std::thread::spawn(move || {
            let mut drawn = false;
            let mut state = shared.state.lock().expect("progress state");
            loop {
                if state.finished {
                    break;
                }
                let elapsed = started.elapsed();
                if elapsed >= after {
                    let line = render(
                        state.phase,
                        shared.done.load(Ordering::Relaxed),
                        state.total,
                        elapsed,
                    );
                    let _ = write!(out, "{ERASE}{line}");
                    let _ = out.flush();
                    drawn = true;
                }
                let wait = if elapsed >= after {
                    REDRAW
                } else {
                    after - elapsed
                };
                state = shared
                    .wake
                    .wait_timeout(state, wait)
                    .expect("progress state")
                    .0;
            }
            if drawn {
                let _ = write!(out, "{ERASE}");
                let _ = out.flush();
            }
        });
        Progress {
            shared: p.shared.clone(),
            thread: Some(thread),
        }
    }

    /// Starts a phase (`evaluating`, `writing`) of `total` steps (0: no count shown).
    pub fn phase(&self, name: &'static str, total: usize) {
        let mut s = self.shared.state.lock().expect("progress state");
        s.phase = name;
        s.total = total;
        self.shared.done.store(0, Ordering::Relaxed);
    }

    /// One step done.
    pub fn tick(&self) {
        self.shared.done.fetch_add(1, Ordering::Relaxed);
    }

    /// Stops drawing and erases the line if one was drawn.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(t) = self.thread.take() {
            self.shared.state.lock().expect("progress state").finished = true;
            self.shared.wake.notify_all();
            let _ = t.join();
        }
    }
}

impl crate::book::build::Progress for Progress {
    fn phase(&self, name: &'static str, total: usize) {
        Progress::phase(self, name, total)
    }
    fn tick(&self) {
        Progress::tick(self)
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The text of the line: `mlsysim-book: evaluating 120/480 files (1.4 s)`.
fn render(phase: &str, done: usize, total: usize, elapsed: Duration) -> String {
    let phase = if phase.is_empty() { "working" } else { phase };
    let secs = elapsed.as_secs_f64();
    if total > 0 {
        format!("mlsysim-book: {phase} {done}/{total} files ({secs:.1} s)")
    } else {
        format!("mlsysim-book: {phase}… ({secs:.1} s)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Sink {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    #[test]
    fn a_short_build_draws_nothing() {
        let sink = Sink::default();
        let p = Progress::start(Box::new(sink.clone()), Duration::from_secs(5));
        p.phase("evaluating", 3);
        p.tick();
        p.finish();
        assert_eq!(sink.text(), "");
    }

    #[test]
    fn a_long_build_draws_counts_and_erases_the_line() {
        let sink = Sink::default();
        let p = Progress::start(Box::new(sink.clone()), Duration::from_millis(0));
        p.phase("evaluating", 4);
        p.tick();
        p.tick();
        std::thread::sleep(Duration::from_millis(250));
        p.finish();
        let text = sink.text();
        assert!(
            text.contains("mlsysim-book: evaluating 2/4 files"),
            "{text:?}"
        );
        assert!(text.ends_with(ERASE), "{text:?}");
    }

    #[test]
    fn render_shows_phase_count_and_time() {
        assert_eq!(
            render("writing", 0, 0, Duration::from_millis(1500)),
            "mlsysim-book: writing… (1.5 s)"
        );
        assert_eq!(
            render("evaluating", 3, 10, Duration::from_millis(2000)),
            "mlsysim-book: evaluating 3/10 files (2.0 s)"
        );
    }
}
