//! A progress line on stderr for long builds, drawn by [`indicatif`]: shown only when stderr is a
//! terminal, the output format is text, and the build has run for a second
//! (`MLSYSIM_PROGRESS_AFTER_MS` changes that delay, for tests). indicatif redraws the line in place
//! ten times a second and erases it when the build ends, so nothing of it remains in the terminal
//! and nothing at all reaches a pipe or a file (indicatif draws nothing where stderr is not a
//! terminal).
//!
//! The line reads `mlsysim-book: evaluating 120/480 files (1.4 s)`, or `mlsysim-book: writing…
//! (1.5 s)` for a phase without a count.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use std::io::IsTerminal;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// Environment variable overriding the delay before the line appears, in milliseconds.
pub const AFTER_ENV: &str = "MLSYSIM_PROGRESS_AFTER_MS";

/// The default delay before the line appears.
pub const DEFAULT_AFTER: Duration = Duration::from_secs(1);

const REDRAW: Duration = Duration::from_millis(100);

/// A running progress line. Counting is one atomic add; indicatif draws on its own ticker.
pub struct Progress {
    bar: ProgressBar,
    /// Set when the build ends, so a line that is not shown yet never will be.
    ended: Arc<(Mutex<bool>, Condvar)>,
    reveal: Option<JoinHandle<()>>,
}

fn seconds(state: &ProgressState, w: &mut dyn std::fmt::Write) {
    let _ = write!(w, "{:.1} s", state.elapsed().as_secs_f64());
}

fn style(counted: bool) -> ProgressStyle {
    let template = if counted {
        "mlsysim-book: {msg} {pos}/{len} files ({secs})"
    } else {
        "mlsysim-book: {msg}… ({secs})"
    };
    ProgressStyle::with_template(template)
        .expect("valid progress template")
        .with_key("secs", seconds)
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
        Progress::start(ProgressDrawTarget::stderr, after)
    }

    /// A progress that counts but never draws.
    pub fn disabled() -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(style(false));
        Progress {
            bar,
            ended: Arc::new((Mutex::new(false), Condvar::new())),
            reveal: None,
        }
    }

    /// A progress line drawn on the target `draw` makes, once `after` has passed.
    pub fn start(draw: fn() -> ProgressDrawTarget, after: Duration) -> Progress {
        Progress::start_on(draw, after)
    }

    /// [`Progress::start`] with any maker of a draw target (tests draw into memory).
    pub fn start_on(
        draw: impl FnOnce() -> ProgressDrawTarget + Send + 'static,
        after: Duration,
    ) -> Progress {
        let mut p = Progress::disabled();
        let bar = p.bar.clone();
        let ended = p.ended.clone();
        p.reveal = Some(std::thread::spawn(move || {
            let (lock, wake) = &*ended;
            let done = wake
                .wait_timeout_while(lock.lock().expect("progress"), after, |d| !*d)
                .expect("progress")
                .0;
            if !*done {
                bar.set_draw_target(draw());
                bar.enable_steady_tick(REDRAW);
            }
        }));
        p
    }

    /// Starts a phase (`evaluating`, `writing`) of `total` steps (0: no count shown).
    pub fn phase(&self, name: &'static str, total: usize) {
        self.bar.set_message(name);
        self.bar.set_length(total as u64);
        self.bar.set_position(0);
        self.bar.set_style(style(total > 0));
    }

    /// One step done.
    pub fn tick(&self) {
        self.bar.inc(1);
    }

    /// Stops drawing and erases the line if one was drawn.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let (lock, wake) = &*self.ended;
        *lock.lock().expect("progress") = true;
        wake.notify_all();
        if let Some(t) = self.reveal.take() {
            let _ = t.join();
        }
        self.bar.finish_and_clear();
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

#[cfg(test)]
mod tests {
    use super::*;
    use indicatif::TermLike;

    /// A terminal that records what is drawn on it.
    #[derive(Clone, Debug, Default)]
    struct Screen(Arc<Mutex<String>>);

    impl Screen {
        fn text(&self) -> String {
            self.0.lock().unwrap().clone()
        }
        fn push(&self, s: &str) -> std::io::Result<()> {
            self.0.lock().unwrap().push_str(s);
            Ok(())
        }
    }

    impl TermLike for Screen {
        fn width(&self) -> u16 {
            100
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.push(&format!("{s}\n"))
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            self.push(s)
        }
        fn clear_line(&self) -> std::io::Result<()> {
            self.push("<clear>")
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn on(screen: &Screen) -> impl FnOnce() -> ProgressDrawTarget + Send + 'static {
        let s = screen.clone();
        move || ProgressDrawTarget::term_like(Box::new(s))
    }

    #[test]
    fn a_short_build_draws_nothing() {
        let screen = Screen::default();
        let p = Progress::start_on(on(&screen), Duration::from_secs(5));
        p.phase("evaluating", 3);
        p.tick();
        p.finish();
        assert_eq!(screen.text(), "");
    }

    #[test]
    fn a_long_build_draws_counts_and_erases_the_line() {
        let screen = Screen::default();
        let p = Progress::start_on(on(&screen), Duration::from_millis(0));
        p.phase("evaluating", 4);
        p.tick();
        p.tick();
        std::thread::sleep(Duration::from_millis(250));
        p.finish();
        let text = screen.text();
        assert!(
            text.contains("mlsysim-book: evaluating 2/4 files ("),
            "{text:?}"
        );
        assert!(text.ends_with("<clear>"), "{text:?}");
    }

    #[test]
    fn a_phase_without_a_count_shows_its_time() {
        let screen = Screen::default();
        let p = Progress::start_on(on(&screen), Duration::from_millis(0));
        p.phase("writing", 0);
        std::thread::sleep(Duration::from_millis(250));
        p.finish();
        let text = screen.text();
        assert!(text.contains("mlsysim-book: writing… ("), "{text:?}");
        assert!(text.contains(" s)"), "{text:?}");
    }
}
