"""ingest.arrival: only finished regular files are read; links and specials are refused."""

from __future__ import annotations

import os
import threading
import time

from ingest.arrival import STABLE_SECONDS, scan

OLD = 1_735_689_600 * 10**9


def write(path, text="a\n", mtime_ns=OLD):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


def test_links_specials_part_files_and_fresh_files(tmp_path):
    landing = tmp_path / "landing"
    folder = landing / "force_crimes"
    write(folder / "b.csv", mtime_ns=OLD + 10)
    write(folder / "a.csv", mtime_ns=OLD + 20)
    write(folder / "sub" / "c.csv", mtime_ns=OLD + 5)
    write(folder / "upload.csv.part")
    write(folder / "a.csv.manifest.json", "{}")
    write(folder / ".hidden.csv")
    (folder / "passwd.csv").symlink_to("/etc/passwd")
    (folder / "linked_dir").symlink_to(tmp_path)
    os.mkfifo(folder / "pipe.csv")
    ready, refused, waiting = scan(folder, landing)
    assert [f.relative for f in ready] == [
        "force_crimes/sub/c.csv",
        "force_crimes/b.csv",
        "force_crimes/a.csv",
    ]
    assert {r.relative for r in refused} == {
        "force_crimes/passwd.csv",
        "force_crimes/linked_dir",
        "force_crimes/pipe.csv",
    }
    assert all("link" in r.reason or "regular" in r.reason for r in refused)
    assert waiting == ["force_crimes/upload.csv.part"]


def test_a_file_just_written_is_read_once_it_holds_still(tmp_path):
    landing = tmp_path / "landing"
    path = write(landing / "s" / "f.csv", mtime_ns=time.time_ns())
    ready, _, waiting = scan(landing / "s", landing)
    assert [f.path for f in ready] == [path] and waiting == []


def test_a_file_still_growing_waits_for_the_next_run(tmp_path):
    landing = tmp_path / "landing"
    path = write(landing / "s" / "growing.csv", "a,b\n", mtime_ns=time.time_ns())
    stop = threading.Event()

    def append() -> None:
        while not stop.is_set():
            with path.open("a") as handle:
                handle.write("1,2\n")
            time.sleep(0.05)

    writer = threading.Thread(target=append)
    writer.start()
    try:
        ready, _, waiting = scan(landing / "s", landing, settle_seconds=0.5)
    finally:
        stop.set()
        writer.join()
    assert ready == [] and waiting == ["s/growing.csv"]
    later = time.time_ns() + int(STABLE_SECONDS * 1e9) + 1
    assert [f.path for f in scan(landing / "s", landing, now_ns=later)[0]] == [path]
