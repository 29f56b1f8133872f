"""Drives the real kafka-tui in tmux and makes the README's pictures from what it shows.

    python assets/shoot.py embedded   # main-screen.png, record-detail.png (embedded broker)
    python assets/shoot.py group      # group-detail.png (needs KAFKA_TUI_KAFKA: a real cluster)
    python assets/shoot.py cast       # first-run.cast (asciicast v2, recorded by asciinema)
    ... --out DIR                      # write there instead of assets/

assets/make.sh runs all three (building the binary and starting the Kafka peer first). Every
step waits for something on the screen, with a deadline, and fails naming what it waited for
and showing the screen. The anchors are few and stable on purpose, since the UI changes: the
pane titles "1 Topics" and "2 Tail", the `demo` topic, and data this script writes itself (a
record's key and JSON, a consumer group and its member's client id).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import render  # noqa: E402

BIN = os.environ.get("KAFKA_TUI_BIN", os.path.join(REPO, "target", "release", "kafka-tui"))
COLS, ROWS = 160, 45  # the screenshots
CAST_COLS, CAST_ROWS = 120, 34  # the recording: smaller, so it reads in a browser player
TIMEOUT = float(os.environ.get("ASSETS_TIMEOUT", "60"))
OUT = HERE  # where the pictures go: --out (the test suite's check writes to a temp dir)

# The record the screenshots open: ours, so its key and fields are anchors that do not move.
RECORD_KEY = "order-1042"
RECORD_HEADERS = [("source", b"web-checkout"), ("trace-id", b"7f3a9c2e51d04b8b")]
RECORD_VALUE = {
    "order_id": 1042,
    "customer": {"id": "c-7781", "name": "Ada Lovelace", "tier": "gold"},
    "items": ["KB-87", "MS-12"],
    "total": 178.9,
    "currency": "EUR",
    "paid": True,
    "coupon": None,
}
GROUP, MEMBER, TOPIC = "billing", "billing-worker-1", "orders"


class AnchorMissing(Exception):
    pass


def fail(msg: str):
    print(f"assets: {msg}", file=sys.stderr)
    sys.exit(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(home: str) -> dict:
    """A clean user: no config, state or history of whoever runs this; a truecolor terminal."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAFKA_TUI_", "XDG_"))}
    env.update(
        HOME=home,
        XDG_CONFIG_HOME=os.path.join(home, "config"),
        XDG_STATE_HOME=os.path.join(home, "state"),
        XDG_CACHE_HOME=os.path.join(home, "cache"),
        TERM="xterm-256color",
        COLORTERM="truecolor",
        LANG="C.UTF-8",
        TZ="UTC",
    )
    env.pop("NO_COLOR", None)
    return env


def zombie_status(pid: int) -> str | None:
    """A process that ended but is not reaped yet: its exit status ("0", "1"..., or "killed by
    signal N"); None while it runs, or once reaped (tmux then says)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except FileNotFoundError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    # fields[0] is field 3 (state); field 52 is exit_code, in wait(2)'s encoding.
    if fields[0] != "Z" or len(fields) < 50:
        return None
    code = int(fields[49])
    return str((code >> 8) & 0xFF) if code & 0x7F == 0 else f"killed by signal {code & 0x7F}"


class Tmux:
    """A tmux server of our own (its own socket, no user config) with one pane."""

    def __init__(self, cmd: str, cols: int, rows: int, env: dict):
        self.socket = f"kt-assets-{os.getpid()}"
        self.cols, self.rows = cols, rows
        self.run("-f", "/dev/null", "new-session", "-d", "-s", "shot", "-x", str(cols), "-y", str(rows), cmd, env=env)
        # Keep the pane when the command ends, so its exit status can be read.
        self.run("set-option", "-t", "shot", "remain-on-exit", "on")
        self.pid = int(self.run("display-message", "-p", "-t", "shot", "#{pane_pid}").strip())

    def run(self, *args, env=None) -> str:
        r = subprocess.run(["tmux", "-L", self.socket, *args], env=env, capture_output=True, text=True)
        if r.returncode != 0:
            fail(f"tmux {' '.join(args[:3])}: {r.stderr.strip()}")
        return r.stdout

    def keys(self, *keys: str):
        self.run("send-keys", "-t", "shot", *keys)

    def type(self, text: str, delay: float = 0.0):
        """Types text literally; with a delay, one key at a time (for the recording)."""
        if not delay:
            self.run("send-keys", "-l", "-t", "shot", text)
            return
        for ch in text:
            self.run("send-keys", "-l", "-t", "shot", ch)
            time.sleep(delay)

    def escape(self):
        # Alone, then a pause: Esc followed at once by a key reads as Alt+key.
        self.keys("Escape")
        time.sleep(0.2)

    def capture(self) -> str:
        # -e: with colours; -N: trailing spaces kept (they can carry a background).
        return self.run("capture-pane", "-e", "-p", "-N", "-t", "shot")

    def screen(self):
        return render.parse(self.capture(), self.cols, self.rows)

    def text(self) -> list[str]:
        return render.rows_text(self.screen())

    def dead(self) -> str | None:
        out = self.run("display-message", "-p", "-t", "shot",
                       "#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}").strip().split("|")
        status, signal = (out + ["", ""])[1:3]
        if status or signal:
            return status or f"killed by signal {signal}"
        # tmux fills in the status only once it has reaped the process, and at times it does
        # not (a race in its SIGCHLD handling: the process stays <defunct>, tmux's child). The
        # kernel keeps a zombie's exit code (/proc/PID/stat field 52): read it there.
        return zombie_status(self.pid)

    def wait(self, what: str, pred, timeout: float = TIMEOUT) -> list[str]:
        deadline = time.monotonic() + timeout
        while True:
            rows = self.text()
            if pred(rows):
                return rows
            shown = "\n".join(r.rstrip() for r in rows)
            if self.dead() is not None:
                raise AnchorMissing(f"the program exited (status {self.dead()}) while waiting for {what}; "
                                    f"the screen:\n{shown}")
            if time.monotonic() > deadline:
                raise AnchorMissing(f"not found within {timeout:.0f} s: {what}; the screen:\n{shown}")
            time.sleep(0.1)

    def kill(self):
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def pane(rows: list[str], title: str) -> list[str] | None:
    """The inside of the bordered pane whose top border holds `title`, or None: found by the
    corners around the title, so it follows the layout wherever the pane is drawn."""
    tops = "╭┌┏╔"
    for y, row in enumerate(rows):
        x = row.find(title)
        if x < 0:
            continue
        left = max(row.rfind(c, 0, x) for c in tops)
        right_edges = [i for i in (row.find(c, x) for c in "╮┐┓╗") if i >= 0]
        if left < 0 or not right_edges:
            continue
        right = min(right_edges)
        inside = []
        for r in rows[y + 1 :]:
            if len(r) <= left or r[left] in "╰└┗╚":
                return inside
            inside.append(r[left + 1 : right])
        return inside
    return None


def pane_has(rows, title, *needles) -> bool:
    p = pane(rows, title)
    return p is not None and all(any(n in line for line in p) for n in needles)


def title_row(rows, title, *needles) -> bool:
    return any(title in r and all(n in r for n in needles) for r in rows)


MAX_PNG = 300 * 1024  # the README loads them all at once


def save(t: Tmux, name: str, size: int = 15):
    out = os.path.join(OUT, name)
    capture = t.capture()
    lines = capture.rstrip("\n").split("\n")
    if len(lines) != t.rows:
        raise AnchorMissing(f"{name}: the capture has {len(lines)} rows, the pane {t.rows}")
    missing = render.render(capture, out, t.cols, t.rows, size=size)
    if missing:
        print(f"assets: {name}: no font has {' '.join(missing)} (drawn as boxes)", file=sys.stderr)
    check_png(out, t.cols, t.rows, size)
    print(f"assets: wrote {out} ({os.path.getsize(out) // 1024} KiB)")


def check_png(path: str, cols: int, rows: int, size: int):
    """Reads the picture back: a whole PNG of the whole screen, not blank, not too heavy."""
    from PIL import Image

    with Image.open(path) as im:
        im.verify()  # checksums and structure
    with Image.open(path) as im:
        f = render.Fonts(size)
        want = (cols * f.cell_w + 2 * render.PAD, rows * f.cell_h + 2 * render.PAD)
        if im.size != want:
            raise AnchorMissing(f"{path}: {im.size[0]}x{im.size[1]} px, expected {want[0]}x{want[1]}")
        colours = im.convert("RGB").getcolors(maxcolors=1 << 16)
        if colours is not None and len(colours) < 8:
            raise AnchorMissing(f"{path}: only {len(colours)} colours: a blank screen?")
    if os.path.getsize(path) > MAX_PNG:
        raise AnchorMissing(f"{path}: {os.path.getsize(path) // 1024} KiB, over {MAX_PNG // 1024} KiB")


def quit_app(t: Tmux):
    # An Escape and a q that reach the app in one read are one key, Alt+q (as in any
    # terminal app): on a loaded machine that happens, so Esc q is sent again until it quits.
    deadline = time.monotonic() + TIMEOUT
    resend = 0.0
    while (status := t.dead()) is None:
        now = time.monotonic()
        if now > deadline:
            raise AnchorMissing("kafka-tui did not quit on q")
        if now >= resend:
            t.escape()
            t.keys("q")
            resend = now + 5
        time.sleep(0.1)
    if status != "0":
        raise AnchorMissing(f"kafka-tui exited with status {status}")


def kafka_tui(args: list[str], logdir: str) -> str:
    return shlex.join([BIN, "--log-file", os.path.join(logdir, "kafka-tui.log"), *args])


def produce(bootstrap: str, topic: str, records, conf=None):
    from confluent_kafka import Producer

    p = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5, **(conf or {})})
    errors = []
    for key, headers, value, part in records:
        kw = {"partition": part} if part is not None else {}
        p.produce(topic, key=key, value=value, headers=headers,
                  on_delivery=lambda err, _m: err and errors.append(err), **kw)
        p.poll(0)
    left = p.flush(30)
    if left or errors:
        fail(f"producing to {topic} at {bootstrap}: {left} undelivered, errors {errors[:3]}")


# --- the embedded broker: main screen and a record's detail --------------------------------


def shoot_embedded(home: str):
    port = free_port()
    t = Tmux(kafka_tui(["--listen", f"127.0.0.1:{port}", "-t", "demo", "--from", "beginning"], home),
             COLS, ROWS, app_env(home))
    try:
        t.wait('pane "1 Topics" listing the topic "demo"', lambda r: pane_has(r, "1 Topics", "demo"))
        t.wait('pane "2 Tail" tailing "demo"', lambda r: title_row(r, "2 Tail", "demo"))
        # The embedded broker seeds `demo` in the background: our record goes in after the
        # seed, so that it is the newest one in the tail (kafka-tui logs when the seed is done).
        log = os.path.join(home, "kafka-tui.log")
        t.wait("kafka-tui's log saying the demo topic is seeded",
               lambda _: os.path.exists(log) and "seeded the demo topic" in open(log).read())
        demo_row = next(line for line in pane(t.text(), "1 Topics") if "demo" in line)
        value = json.dumps(RECORD_VALUE, separators=(",", ":")).encode()
        produce(f"127.0.0.1:{port}", "demo", [(RECORD_KEY.encode(), RECORD_HEADERS, value, 0)])
        t.wait(f'our record "{RECORD_KEY}" in pane "2 Tail"', lambda r: pane_has(r, "2 Tail", RECORD_KEY))
        # The topic list refreshes its counts every few seconds: wait until the demo row shows
        # the new record too, so the picture agrees with itself.
        t.wait('the "demo" row of "1 Topics" updated after our record',
               lambda r: not pane_has(r, "1 Topics", demo_row))
        save(t, "main-screen.png")

        # Enter on the newest record (the tail follows the end, so it is the selected one).
        t.keys("2")
        t.keys("Enter")
        t.wait(f'record "{RECORD_KEY}" opened in "2 Tail" with its JSON laid out ("order_id" starting a line)',
               lambda r: pane_has(r, "2 Tail", RECORD_KEY)
               and any(line.strip().startswith('"order_id"') for line in pane(r, "2 Tail")))
        save(t, "record-detail.png")
        quit_app(t)
    finally:
        t.kill()


# --- a real cluster: a consumer group's detail ---------------------------------------------


class Member(threading.Thread):
    """One live member of the group: reads part of each partition, commits where it stopped
    and stays in the group (paused), so the detail shows a member, offsets and lag."""

    def __init__(self, bootstrap: str, shares: list[float], ends: list[int]):
        super().__init__(daemon=True)
        self.bootstrap, self.shares, self.ends = bootstrap, shares, ends
        self.ready = threading.Event()
        self.stop = threading.Event()
        self.error = None

    def run(self):
        from confluent_kafka import Consumer, TopicPartition

        c = Consumer({
            "bootstrap.servers": self.bootstrap, "group.id": GROUP, "client.id": MEMBER,
            "enable.auto.commit": False, "auto.offset.reset": "earliest",
            "session.timeout.ms": 10000, "heartbeat.interval.ms": 1000,
        })
        try:
            c.subscribe([TOPIC])
            targets = {p: int(end * s) for p, (end, s) in enumerate(zip(self.ends, self.shares))}
            done = {}
            deadline = time.monotonic() + TIMEOUT
            while len(done) < len(targets):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"consumed only {done} of {targets}")
                m = c.poll(0.5)
                if m is None or m.error():
                    continue
                p, o = m.partition(), m.offset()
                if p in done:
                    continue
                if o + 1 >= targets[p]:
                    done[p] = o + 1
                    c.pause([TopicPartition(TOPIC, p)])
            c.commit(offsets=[TopicPartition(TOPIC, p, o) for p, o in done.items()], asynchronous=False)
            self.ready.set()
            while not self.stop.is_set():
                c.poll(0.5)  # stays a member: heartbeats, nothing read (all paused)
        except Exception as e:  # reported by the main thread
            self.error = e
            self.ready.set()
        finally:
            c.close()


def shoot_group(home: str):
    bootstrap = os.environ.get("KAFKA_TUI_KAFKA")
    if not bootstrap:
        fail("group: KAFKA_TUI_KAFKA is not set (assets/make.sh starts the Kafka peer: "
             "source .ci/peers.sh && peers_start kafka)")
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": bootstrap})
    fut = admin.create_topics([NewTopic(TOPIC, num_partitions=3, replication_factor=3)])[TOPIC]
    try:
        fut.result(30)
    except Exception as e:  # an existing topic from an earlier run on the same peer is fine
        if "TOPIC_ALREADY_EXISTS" not in str(e):
            fail(f"creating topic {TOPIC}: {e}")
    ends = [400, 350, 300]
    items = ["keyboard", "mouse", "monitor", "cable", "dock", "headset"]
    records = []
    for p, n in enumerate(ends):
        for i in range(n):
            v = {"order_id": 10000 + p * 1000 + i, "item": items[i % len(items)], "qty": 1 + i % 3}
            records.append((f"customer-{(i * 7 + p) % 97}".encode(), None, json.dumps(v).encode(), p))
    produce(bootstrap, TOPIC, records)

    member = Member(bootstrap, [0.9, 0.6, 0.97], ends)
    member.start()
    if not member.ready.wait(TIMEOUT) or member.error:
        fail(f"group {GROUP}: the member did not commit: {member.error or 'timed out'}")

    t = Tmux(kafka_tui(["-b", bootstrap, "-t", TOPIC], home), COLS, ROWS, app_env(home))
    try:
        t.wait(f'pane "1 Topics" listing "{TOPIC}"', lambda r: pane_has(r, "1 Topics", TOPIC))
        t.keys(":")
        t.type(f"group {GROUP}")
        t.keys("Enter")
        t.wait(f'the detail of group "{GROUP}": its member "{MEMBER}" and topic "{TOPIC}"',
               lambda r: any(MEMBER in line for line in r) and sum(TOPIC in line for line in r) >= 2)
        save(t, "group-detail.png")
        quit_app(t)
    finally:
        t.kill()
        member.stop.set()
        member.join(15)


# --- the first-run walkthrough, recorded by asciinema --------------------------------------


def beat(seconds: float):
    """A pause for the viewer of the recording (not a wait for the program: those are t.wait)."""
    time.sleep(seconds)


def record_cast(home: str):
    out = os.path.join(OUT, "first-run.cast")
    raw = os.path.join(home, "raw.cast")
    env = app_env(home)
    # A bare prompt, and `kafka-tui` on the PATH, as a new user would have it.
    env["PATH"] = os.path.dirname(BIN) + os.pathsep + env.get("PATH", "")
    env["ASCIINEMA_CONFIG_HOME"] = os.path.join(home, "asciinema")
    env["SHELL"] = "/bin/bash"
    asciinema = os.path.join(os.path.dirname(sys.executable), "asciinema")
    rec = [asciinema, "rec", "--overwrite", "-q", "-i", "1.5", "-c", "bash --norc --noprofile", raw]
    # PS1 set on the command line: tmux starts it through /bin/sh, and dash drops an
    # inherited PS1.
    t = Tmux(shlex.join(["env", "PS1=$ ", *rec]), CAST_COLS, CAST_ROWS, env)
    try:
        t.wait("the shell prompt", lambda r: any(line.startswith("$") for line in r))
        beat(0.8)
        # The app's own log goes to the state dir of the clean HOME (the default).
        t.type("kafka-tui", delay=0.09)
        beat(0.4)
        t.keys("Enter")
        t.wait('pane "1 Topics" listing the topic "demo"', lambda r: pane_has(r, "1 Topics", "demo"))
        beat(2.5)
        t.keys("Enter")  # tail the selected topic
        t.wait('pane "2 Tail" tailing "demo"', lambda r: title_row(r, "2 Tail", "demo"))
        beat(2)
        t.keys(":")
        beat(0.4)
        t.type("from beginning", delay=0.08)
        beat(0.5)
        t.keys("Enter")
        t.wait('the demo records in pane "2 Tail"',
               lambda r: sum(1 for line in (pane(r, "2 Tail") or []) if line.strip()) >= 5)
        beat(3)
        t.keys("3")  # the producer: the cursor goes to the value
        beat(1)
        value = '{"order_id": 1042, "item": "keyboard", "qty": 1}'
        t.type(value, delay=0.05)
        beat(1)
        t.keys("C-s")
        t.wait('the record just produced ("order_id": 1042) in pane "2 Tail"',
               lambda r: pane_has(r, "2 Tail", "1042"))
        beat(2.5)
        t.escape()
        t.keys("2")
        beat(0.8)
        t.keys("Enter")  # open the newest record: ours
        t.wait('our record opened in "2 Tail" ("order_id" starting a line)',
               lambda r: any(line.strip().startswith('"order_id"') for line in (pane(r, "2 Tail") or [])))
        beat(3.5)
        t.escape()
        beat(1)
        t.keys("4")  # the broker's log
        beat(2.5)
        before = t.text()
        t.keys("?")
        t.wait("the key help after ?", lambda r: r != before)
        beat(4)
        t.escape()
        beat(1)
        t.keys("q")
        t.wait("the shell prompt after quitting", lambda r: any(line.rstrip() == "$" for line in r))
        beat(0.8)
        t.type("exit")
        t.keys("Enter")
        deadline = time.monotonic() + TIMEOUT
        while t.dead() is None:
            if time.monotonic() > deadline:
                shown = "\n".join(r.rstrip() for r in t.text())
                raise AnchorMissing(f"asciinema did not finish after exit; the screen:\n{shown}")
            time.sleep(0.1)
    finally:
        t.kill()
    tidy_cast(raw, out)
    with open(out) as f:
        header = json.loads(f.readline())
        last = 0.0
        for line in f:
            last = json.loads(line)[0]
    print(f"assets: wrote {out} ({os.path.getsize(out) // 1024} KiB, "
          f"{header['width']}x{header['height']}, {last:.0f} s)")


def tidy_cast(raw: str, out: str):
    """The header as a reader needs it: no paths or environment of the machine it was made on."""
    with open(raw) as f:
        header = json.loads(f.readline())
        events = f.read()
    if header.get("version") != 2:
        fail(f"asciinema wrote version {header.get('version')}, not an asciicast v2")
    clean = {
        "version": 2,
        "width": header["width"],
        "height": header["height"],
        "timestamp": header.get("timestamp"),
        "idle_time_limit": header.get("idle_time_limit"),
        "title": "kafka-tui: first run (embedded broker)",
        "env": {"SHELL": "/bin/bash", "TERM": "xterm-256color"},
    }
    with open(out, "w") as f:
        f.write(json.dumps({k: v for k, v in clean.items() if v is not None}) + "\n")
        f.write(events)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["embedded", "group", "cast"])
    ap.add_argument("--out", default=HERE, help="directory to write to (default: assets/)")
    a = ap.parse_args()
    global OUT
    OUT = a.out
    os.makedirs(OUT, exist_ok=True)
    if not os.access(BIN, os.X_OK):
        fail(f"{BIN} is missing: cargo build --release")
    with tempfile.TemporaryDirectory(prefix="kt-assets.") as home:
        try:
            {"embedded": shoot_embedded, "group": shoot_group, "cast": record_cast}[a.what](home)
        except AnchorMissing as e:
            print(f"assets: {a.what}: {e}", file=sys.stderr)
            log = os.path.join(home, "kafka-tui.log")
            if os.path.exists(log):
                print("assets: end of kafka-tui's log:", file=sys.stderr)
                with open(log, errors="replace") as f:
                    print("".join(f.readlines()[-15:]), file=sys.stderr)
            sys.exit(1)


if __name__ == "__main__":
    main()
