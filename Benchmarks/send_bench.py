#!/usr/bin/env python3
"""Messages per second sent to a local SMTP sink: `issue send` with the sample issue's
personalised copy, side by side with Postfix's `smtp-source` sending the very same message (its
-F file) over as many connections to the same `smtp-sink`. Run alone it prints the table;
Benchmarks/run.py puts it into RESULTS.md.

smtp-sink accepts and forgets each message, so what is measured is the sender: making each
copy, the journal (two fsynced commits a copy: sending, then sent) and SMTP over loopback.
"""
import os, socket, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release")
SECRET = "benchmark-secret-0123456789abcdef"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_sink():
    """smtp-sink on a free port; as root it drops to the nobody user after binding."""
    port = free_port()
    command = ["/usr/sbin/smtp-sink"] + (["-u", "nobody"] if os.geteuid() == 0 else []) + ["127.0.0.1:%d" % port, "256"]
    sink = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return sink, port
        except OSError:
            time.sleep(0.02)
    sink.kill()
    raise SystemExit("smtp-sink did not start")


def measure(runs=3, copies=500):
    work = tempfile.mkdtemp(prefix="send-bench-")
    env = dict(os.environ, ISSUE_TOKEN_SECRET=SECRET)
    issue = os.path.join(ROOT, "issues", "2026-12-03")
    recipients = os.path.join(work, "list.csv")
    with open(recipients, "w") as f:
        f.write("email,name\n" + "".join("reader%06d@example.org,Reader %d\n" % (i, i) for i in range(copies)))
    # One personalised copy, for smtp-source to send byte for byte.
    one = os.path.join(work, "one.csv")
    with open(one, "w") as f:
        f.write("email,name\nreader000000@example.org,Reader 0\n")
    subprocess.run([os.path.join(BIN, "issue"), "email", issue, "--recipients", one, "--dir", os.path.join(work, "copy")],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    copy = os.path.join(work, "copy", sorted(os.listdir(os.path.join(work, "copy")))[0])
    size = os.path.getsize(copy)
    sink, port = start_sink()
    rows = []
    try:
        for connections in (1, 4, 8):
            ours, theirs = [], []
            for run in range(runs):
                journal = os.path.join(work, "journal-%d-%d.sqlite" % (connections, run))
                start = time.perf_counter()
                result = subprocess.run([os.path.join(BIN, "issue"), "send", issue, "--recipients", recipients,
                                         "--via", "smtp://127.0.0.1:%d" % port, "--tls", "off", "--connections", str(connections),
                                         "--journal", journal, "--suppressed", os.path.join(work, "suppressed.txt"),
                                         "--relay-signs", "--force"], cwd=ROOT, env=env, capture_output=True, text=True)
                wall = time.perf_counter() - start
                if result.returncode != 0 or ("sent %d," % copies) not in result.stdout:
                    raise SystemExit("issue send failed:\n" + result.stdout + result.stderr)
                ours.append(copies / wall)
                start = time.perf_counter()
                subprocess.run(["/usr/sbin/smtp-source", "-d", "-s", str(connections), "-m", str(copies), "-F", copy,
                                "-f", "news@millbrookledger.example.org", "-t", "reader@example.org", "127.0.0.1:%d" % port],
                               check=True, capture_output=True)
                theirs.append(copies / (time.perf_counter() - start))
            rows.append((connections, statistics.median(ours), min(ours), max(ours),
                         statistics.median(theirs), min(theirs), max(theirs)))
    finally:
        sink.kill()
        sink.wait()
    lines = [
        "| connections | issue send | range | smtp-source | range | ratio |", "|---:|---:|---:|---:|---:|---:|",
    ] + ["| %d | %.0f msg/s | %.0f–%.0f | %.0f msg/s | %.0f–%.0f | %.2f |" % (c, m, lo, hi, sm, slo, shi, m / sm)
         for c, m, lo, hi, sm, slo, shi in rows]
    note = ("%d copies of the sample issue's personalised message (%d KB each, pictures inline) to Postfix's `smtp-sink` "
            "on 127.0.0.1, no TLS, no DKIM, median of %d runs; `smtp-source -d -s N -F` sends the same message "
            "over N connections to the same sink. The whole `issue send` process is timed (assembly, rendering, "
            "journal with fsync, SMTP)." % (copies, size // 1024, runs))
    return lines, note


if __name__ == "__main__":
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    copies = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    lines, note = measure(runs, copies)
    print("\n".join(lines))
    print()
    print(note)
