"""Files and state: out_dir's modes under any umask, damaged or newer state files, a full disk."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

from conftest import write_config

from sample_site.server import SampleSite


def test_out_dir_is_0755_and_its_files_0644_under_umask_000(site: SampleSite, tmp_path: Path) -> None:
    config = write_config(tmp_path, site.url, replace={'out_dir = "feeds"': 'out_dir = "srv/feeds"'})
    proc = subprocess.run([sys.executable, "-m", "feedmaker", "-c", str(config), "build"],
                          capture_output=True, text=True, umask=0, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "srv"
    folders = [out, *(p for p in out.rglob("*") if p.is_dir())]
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(folders) >= 4 and len(files) > 10
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in folders} == {"0o755"}
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {"0o644"}
