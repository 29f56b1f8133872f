//! The terminal's last line of defence: what happens when the process dies of a signal it
//! cannot survive (SIGSEGV in librdkafka's C code, SIGABRT, SIGBUS, SIGILL, SIGFPE), and the
//! stop for Ctrl+Z. The catchable signals (SIGINT, SIGTERM, ...) are handled as a clean quit by
//! the event loop (`run::Signals`); this module is for the ones no async code can answer.
//!
//! A fatal handler may only make async-signal-safe calls, so it does exactly this: `write(2)`
//! the reset sequences (mouse modes and bracketed paste off, alternate screen left, cursor
//! shown), `tcsetattr` the terminal modes saved when the terminal was taken, send SIGTERM to
//! the log commands' process groups (they would outlive us), and then re-raise the signal with
//! its default action, so the exit status and any core dump say what really happened. The
//! previous handler (Rust's stack-overflow reporter, for SIGSEGV and SIGBUS) still runs first.
//!
//! The only unsafe code outside `kafka/`: libc's `sigaction`, `tcgetattr`/`tcsetattr`,
//! `write`, `kill` and `raise`.
#![allow(unsafe_code)]

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::OnceLock;

/// Written on a fatal signal: mouse modes (1000/1002/1003 and the 1006/1015 encodings) and
/// bracketed paste off, attributes reset, alternate screen left, cursor shown.
const RESET: &[u8] =
    b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?2004l\x1b[0m\x1b[?1049l\x1b[?25h";

const FATAL: [libc::c_int; 5] = [
    libc::SIGSEGV,
    libc::SIGBUS,
    libc::SIGABRT,
    libc::SIGILL,
    libc::SIGFPE,
];

/// Set while the terminal is in our modes: the handler restores it only then.
static ARMED: AtomicBool = AtomicBool::new(false);
/// The terminal's file descriptor (stdin, or /dev/tty opened once and kept), and its modes
/// before we changed them.
static TTY_FD: AtomicI32 = AtomicI32::new(-1);
static SAVED: OnceLock<libc::termios> = OnceLock::new();
/// The handlers that were in place before ours, called first (one per `FATAL` entry).
static PREVIOUS: [OnceLock<libc::sigaction>; 5] = [const { OnceLock::new() }; 5];
/// Process groups of running log commands, killed on a fatal signal (0: free slot).
static CHILD_GROUPS: [AtomicI32; 16] = [const { AtomicI32::new(0) }; 16];

/// Remembers the terminal's current modes (call before raw mode is turned on) and installs
/// the fatal-signal handlers. Later calls only re-arm.
pub fn arm() {
    if SAVED.get().is_none() {
        if let Some((fd, modes)) = terminal_modes() {
            TTY_FD.store(fd, Ordering::SeqCst);
            let _ = SAVED.set(modes);
        }
        install_fatal_handlers();
    }
    ARMED.store(true, Ordering::SeqCst);
}

/// The terminal is back in its own modes: a fatal signal now has nothing to restore.
pub fn disarm() {
    ARMED.store(false, Ordering::SeqCst);
}

/// The terminal's descriptor and modes, as crossterm picks it: stdin if it is a terminal,
/// else /dev/tty.
fn terminal_modes() -> Option<(libc::c_int, libc::termios)> {
    // SAFETY: isatty and open take no pointers we do not own; the path is NUL-terminated.
    let fd = unsafe {
        if libc::isatty(libc::STDIN_FILENO) == 1 {
            libc::STDIN_FILENO
        } else {
            libc::open(c"/dev/tty".as_ptr(), libc::O_RDWR | libc::O_CLOEXEC)
        }
    };
    if fd < 0 {
        return None;
    }
    let mut modes = std::mem::MaybeUninit::<libc::termios>::uninit();
    // SAFETY: `modes` is a valid termios to write into; it is read only if the call succeeded.
    unsafe {
        if libc::tcgetattr(fd, modes.as_mut_ptr()) != 0 {
            return None;
        }
        Some((fd, modes.assume_init()))
    }
}

fn install_fatal_handlers() {
    for (i, &sig) in FATAL.iter().enumerate() {
        // SAFETY: a zeroed sigaction is a valid "no handler, empty mask"; we fill in a handler
        // of the SA_SIGINFO signature and read back the previous action into owned memory.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_fatal
                as extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void)
                as usize;
            // SA_ONSTACK: a stack overflow must run on the alternate stack Rust sets up.
            action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
            libc::sigemptyset(&mut action.sa_mask);
            let mut previous: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(sig, &action, &mut previous) == 0 {
                let _ = PREVIOUS[i].set(previous);
            }
        }
    }
}

/// Puts the terminal back with async-signal-safe calls only, once.
fn restore_from_handler() {
    if !ARMED.swap(false, Ordering::SeqCst) {
        return;
    }
    // SAFETY: write and tcsetattr are async-signal-safe; RESET is a static buffer and SAVED
    // was fully written before ARMED could be set.
    unsafe {
        let _ = libc::write(
            libc::STDOUT_FILENO,
            RESET.as_ptr().cast::<libc::c_void>(),
            RESET.len(),
        );
        let fd = TTY_FD.load(Ordering::SeqCst);
        if let (true, Some(modes)) = (fd >= 0, SAVED.get()) {
            libc::tcsetattr(fd, libc::TCSANOW, modes);
        }
    }
}

extern "C" fn on_fatal(sig: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    restore_from_handler();
    for slot in &CHILD_GROUPS {
        let pgid = slot.swap(0, Ordering::SeqCst);
        if pgid > 0 {
            // SAFETY: kill is async-signal-safe; the group is one we started.
            unsafe { libc::kill(-pgid, libc::SIGTERM) };
        }
    }
    let i = FATAL.iter().position(|&s| s == sig);
    // SAFETY: sigaction, raise are async-signal-safe. The previous handler, if it was a
    // function, is called with the arguments the kernel gave us, as if it had been installed;
    // Rust's own handler expects exactly that (it reports a stack overflow, or resets the
    // signal to its default action and returns).
    unsafe {
        if let Some(prev) = i.and_then(|i| PREVIOUS[i].get()) {
            let handler = prev.sa_sigaction;
            if handler != libc::SIG_DFL && handler != libc::SIG_IGN {
                if prev.sa_flags & libc::SA_SIGINFO != 0 {
                    let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                        std::mem::transmute(handler);
                    f(sig, info, context);
                } else {
                    let f: extern "C" fn(libc::c_int) = std::mem::transmute(handler);
                    f(sig);
                }
            }
        }
        // Die of the same signal: blocked while we run, it is delivered when we return (a
        // real fault would also happen again on return, now with the default action).
        let mut default: libc::sigaction = std::mem::zeroed();
        default.sa_sigaction = libc::SIG_DFL;
        libc::sigemptyset(&mut default.sa_mask);
        libc::sigaction(sig, &default, std::ptr::null_mut());
        libc::raise(sig);
    }
}

/// Stops the whole process (as SIGTSTP would, had we not caught it) until SIGCONT (`fg`).
/// Returns once the process runs again.
pub fn stop_self() {
    // SAFETY: getpid and kill with a valid signal number have no memory effects.
    unsafe {
        libc::kill(libc::getpid(), libc::SIGSTOP);
    }
}

/// Records a log command's process group so a fatal signal can stop it too; returns false
/// when every slot is taken (the command then only stops on a clean exit).
pub fn register_child_group(pgid: u32) -> bool {
    let Ok(pgid) = i32::try_from(pgid) else {
        return false;
    };
    CHILD_GROUPS.iter().any(|slot| {
        slot.compare_exchange(0, pgid, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    })
}

/// Forgets a process group recorded by `register_child_group` (it was stopped or exited).
pub fn unregister_child_group(pgid: u32) {
    let Ok(pgid) = i32::try_from(pgid) else {
        return;
    };
    for slot in &CHILD_GROUPS {
        let _ = slot.compare_exchange(pgid, 0, Ordering::SeqCst, Ordering::SeqCst);
    }
}

/// Sends SIGTERM to a process group we started (a command run with `process_group(0)`).
pub fn kill_group(pgid: u32) {
    if let Ok(pgid) = i32::try_from(pgid) {
        if pgid > 0 {
            // SAFETY: kill with a negative pid signals that group; no memory is involved.
            unsafe { libc::kill(-pgid, libc::SIGTERM) };
        }
    }
}

/// Blocks in this thread every signal that another thread can take instead. librdkafka's mock
/// cluster thread ends for good when a signal handler interrupts its `poll()` (EINTR is fatal
/// in `rd_kafka_mock_cluster_io_poll`), and unlike its other threads it is not started with
/// signals blocked: the SIGCONT of `fg` after Ctrl+Z, landing there, left the embedded broker
/// dead and the app "disconnected". Faults (SIGSEGV and kin) stay unblocked, so that a crash
/// in this thread still reaches the handler that gives the terminal back.
pub fn block_asynchronous_signals() {
    // SAFETY: sigset_t is plain data initialised by sigfillset; pthread_sigmask only changes
    // the calling thread's mask.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut set);
        for fault in [
            libc::SIGSEGV,
            libc::SIGBUS,
            libc::SIGFPE,
            libc::SIGILL,
            libc::SIGABRT,
            libc::SIGTRAP,
            libc::SIGSYS,
        ] {
            libc::sigdelset(&mut set, fault);
        }
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}
