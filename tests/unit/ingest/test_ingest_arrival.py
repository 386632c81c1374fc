"""ingest.arrival: only finished regular files are read; links and specials are refused."""

from __future__ import annotations

import os
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
    write(folder / "fresh.csv", mtime_ns=time.time_ns())
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
    assert sorted(waiting) == ["force_crimes/fresh.csv", "force_crimes/upload.csv.part"]


def test_a_file_is_ready_once_it_has_been_still_long_enough(tmp_path):
    landing = tmp_path / "landing"
    path = write(landing / "s" / "f.csv", mtime_ns=time.time_ns())
    assert scan(landing / "s", landing)[0] == []
    later = time.time_ns() + int(STABLE_SECONDS * 1e9) + 1
    assert [f.path for f in scan(landing / "s", landing, now_ns=later)[0]] == [path]
