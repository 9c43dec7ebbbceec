"""``ecanalysis init DIR [--update]``: a workspace of one's own, like dbt's or Quarto's.

A workspace is a directory holding ``params/``; every command run inside it (or below it)
uses it (:func:`ecanalysis.config.find_workspace`). ``init`` creates::

    DIR/
      README.md            what is where, and the morning routine
      params/              defaults.yaml, schedule.yaml, notify.yaml, stores/example.yaml
      notebooks/           empty: a notebook here overrides the bundled one of the same name
      data/  runs/         datasets, and the records of the reports
      schedule/            crontab and systemd timer examples
      .ecanalysis/bundled.json   the package version and a hash of each bundled file

Upgrading ecanalysis updates the bundled notebooks and params; the workspace's copies are
never overwritten. ``init --update`` compares them: which bundled files changed since the
workspace last looked, and a unified diff of each one the workspace has a copy of.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ecanalysis import __version__
from ecanalysis.config import bundled_root
from ecanalysis.errors import ParameterError
from ecanalysis.paths import atomic_write

#: Where ``init`` records what the bundled files were when it last looked.
STATE_FILE = Path(".ecanalysis") / "bundled.json"

STORE_TEMPLATE = """\
# Settings of one store: copy this file to params/stores/<store_id>.yaml (the store_id of
# the data, e.g. shop01.yaml). Any key of defaults.yaml can be overridden here; a store
# without a file of its own uses defaults.yaml (its targets are shown as not set).
#
# Monthly targets (月度考核目标): `default` applies to every month, a "YYYY-MM" key to
# that month only.
# targets:
#   paid_amount: {default: 1000000, "2025-11": 2500000}   # 支付金额
#   orders: 1500                                           # 支付订单数
#   new_buyers: 800                                        # 新买家数
#   aov: 650                                               # 笔单价
#
# thresholds:
#   rating_alert: 4.8        # DSR alert line (店铺动态评分预警线)
#   low_cover_days: 10
#
# costs:                     # shares of paid_amount, except the per-order cost
#   payment_fee_rate: 0.006
#   commission_rate: 0.04
#   fulfilment_cost_per_order: 12
"""

NOTIFY_TEMPLATE = """\
# Where `ecanalysis notify` sends alerts and digests. Nothing is sent until a channel and a
# rule or digest are set. Secrets never go in this file: give the NAME of an environment
# variable that holds the webhook URL, signing secret or SMTP URL.
#
# channels:                 # kinds: dingtalk, wecom, feishu, slack, teams, email
#   ops:   {kind: dingtalk, url_env: ECA_DINGTALK_URL, secret_env: ECA_DINGTALK_SECRET}
#   group: {kind: wecom, url_env: ECA_WECOM_URL}
#   feishu: {kind: feishu, url_env: ECA_FEISHU_URL, secret_env: ECA_FEISHU_SECRET}
#   team:  {kind: slack, url_env: ECA_SLACK_URL}
#   teams: {kind: teams, url_env: ECA_TEAMS_URL}
#   boss:  {kind: email, to: [boss@example.com], smtp_env: ECA_SMTP_URL, attach: [report, workbook]}
#          # ECA_SMTP_URL=smtp://user:password@host:587 (STARTTLS) or smtps://…:465 (SSL)
# rules:                    # an alert goes to a channel when a rule matches it
#   - {channel: ops, notebooks: [daily_report, store_inspection], stores: all, levels: [warning, critical]}
# digests:                  # one message per channel and run: headline KPIs, alerts, links
#   - {channel: boss, notebooks: [daily_report], stores: all}
# base_url: https://reports.example.com/runs   # links in messages; omitted: paths under --out
# cooldown_hours: 24        # the same alert is not sent again within this many hours
# quiet_hours: {start: "22:00", end: "07:00", timezone: Asia/Shanghai}   # held until after
channels: {}
"""

NOTEBOOKS_README = """\
# Your notebooks

A notebook placed here overrides the bundled notebook of the same name: to customise one,
copy it from where `ecanalysis notebooks` shows it. A notebook of your own, `NAME.ipynb`,
runs with `ecanalysis run NAME`. After an upgrade, `ecanalysis init --update` shows how the
bundled notebooks changed against your copies.
"""

WORKSPACE_README = """\
# ecanalysis workspace

Created by `ecanalysis init` (ecanalysis {version}). Every `ecanalysis` command run in this
folder, or below it, uses it.

| folder | what |
|---|---|
| `params/defaults.yaml` | settings of every store: thresholds, report language, portfolio time zone |
| `params/stores/` | one `<store_id>.yaml` per store (targets, costs); `example.yaml` is a template |
| `params/schedule.yaml` | what `ecanalysis batch` runs |
| `params/notify.yaml` | where `ecanalysis notify` sends alerts and digests |
| `notebooks/` | your own notebooks; one with a bundled notebook's name replaces it |
| `data/` | datasets (`ecanalysis sample data/sample`, or `ecanalysis import …`) |
| `runs/` | the records of the reports and `runs/index.html` |
| `schedule/` | a crontab line and a systemd timer for the morning run |

Try it:

```sh
ecanalysis sample data/sample   # a sample dataset
ecanalysis batch                # every report of params/schedule.yaml → runs/
ecanalysis notify --dry-run     # what would be sent
```

After upgrading ecanalysis, `ecanalysis init --update .` shows what changed in the bundled
notebooks and params; your files are never overwritten.
"""

CRONTAB = """\
# crontab -e: every morning at 07:30, the reports of the day before, then the messages.
# Replace /srv/shops with the workspace and the exports' path with yours.
30 7 * * *  cd /srv/shops && ecanalysis batch && ecanalysis notify >> runs/cron.log 2>&1
"""

SERVICE = """\
# /etc/systemd/system/ecanalysis.service (or ~/.config/systemd/user/)
[Unit]
Description=ecanalysis morning reports and notifications

[Service]
Type=oneshot
WorkingDirectory=/srv/shops
EnvironmentFile=/srv/shops/.env
ExecStart=/usr/bin/env ecanalysis batch
ExecStart=/usr/bin/env ecanalysis notify
"""

TIMER = """\
# /etc/systemd/system/ecanalysis.timer; enable with: systemctl enable --now ecanalysis.timer
[Unit]
Description=ecanalysis every morning

[Timer]
OnCalendar=*-*-* 07:30:00
Persistent=true

[Install]
WantedBy=timers.target
"""


def _generated_files() -> dict[str, str]:
    """The files ``init`` writes that are not copies of bundled ones."""
    return {
        "README.md": WORKSPACE_README.format(version=__version__),
        "params/stores/example.yaml": STORE_TEMPLATE,
        "params/notify.yaml": NOTIFY_TEMPLATE,
        "notebooks/README.md": NOTEBOOKS_README,
        "schedule/crontab": CRONTAB,
        "schedule/ecanalysis.service": SERVICE,
        "schedule/ecanalysis.timer": TIMER,
    }


#: Bundled params copied into a new workspace (relative to the bundled ``params/``).
COPIED_PARAMS = ("defaults.yaml", "schedule.yaml")


def bundled_files() -> dict[str, Path]:
    """Every bundled file by its path in a workspace: ``params/…`` and ``notebooks/…``."""
    root = bundled_root()
    files = {}
    for folder, pattern in (("params", "*.yaml"), ("notebooks", "*.ipynb")):
        for path in sorted((root / folder).glob(pattern)):
            files[f"{folder}/{path.name}"] = path
    return files


def _write(path: Path, data: bytes) -> None:
    with atomic_write(path) as temp:
        temp.write_bytes(data)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_state(workspace: Path) -> None:
    state = {
        "version": __version__,
        "files": {rel: _digest(path) for rel, path in bundled_files().items()},
    }
    text = json.dumps(state, indent=2, sort_keys=True) + "\n"
    (workspace / STATE_FILE).parent.mkdir(exist_ok=True)
    _write(workspace / STATE_FILE, text.encode("utf-8"))


def init_workspace(directory: str | Path) -> list[Path]:
    """Create a workspace in ``directory`` (created when missing) and return the files
    written. A directory that exists and holds anything is refused (``ParameterError``,
    exit 2): use ``--update`` there."""
    target = Path(directory)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ParameterError(
            f"{target} exists and is not empty; ecanalysis init writes only into a new or "
            f"empty directory (to compare a workspace with this version: "
            f"ecanalysis init --update {target})"
        )
    written = []
    bundled = bundled_files()
    contents = {rel: bundled[f"params/{rel}"].read_bytes() for rel in COPIED_PARAMS}
    contents = {f"params/{rel}": data for rel, data in contents.items()}
    contents.update({rel: text.encode("utf-8") for rel, text in _generated_files().items()})
    for rel, data in contents.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(path, data)
        written.append(path)
    for folder in ("data", "runs"):
        (target / folder).mkdir(exist_ok=True)
    _write_state(target)
    return written


@dataclass(frozen=True)
class Change:
    """One bundled file compared with what the workspace last saw and with its copy."""

    path: str  # relative to the workspace, e.g. "params/defaults.yaml"
    status: str  # "new", "changed", "unchanged"
    diff: str  # unified diff of the workspace's copy → the bundled file ("" when none)


def _lines(path: Path) -> list[str]:
    """A file as lines for a diff; a notebook as its cells' sources (not its JSON)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".ipynb":
        return text.splitlines(keepends=True)
    cells = json.loads(text).get("cells", [])
    lines = []
    for number, cell in enumerate(cells, 1):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        lines.append(f"# --- cell {number} ({cell.get('cell_type', '?')})\n")
        lines.extend(line + "\n" for line in source.splitlines())
    return lines


def compare_workspace(directory: str | Path) -> list[Change]:
    """What the installed ecanalysis bundles, against the workspace in ``directory``."""
    workspace = Path(directory)
    if not (workspace / "params").is_dir():
        raise ParameterError(
            f"{workspace} is not a workspace (it has no params/); create one with "
            f"ecanalysis init {workspace}"
        )
    try:
        seen = json.loads((workspace / STATE_FILE).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError):
        seen = {}
    changes = []
    for rel, path in bundled_files().items():
        if rel not in seen:
            status = "new"
        elif seen[rel] != _digest(path):
            status = "changed"
        else:
            status = "unchanged"
        own = workspace / rel
        diff = ""
        if own.is_file():
            diff = "".join(
                difflib.unified_diff(
                    _lines(own), _lines(path), f"workspace/{rel}", f"bundled/{rel}", n=2
                )
            )
        changes.append(Change(rel, status, diff))
    return changes


def update_report(directory: str | Path) -> str:
    """The text of ``ecanalysis init --update DIR``; afterwards the workspace remembers
    the bundled files as seen. Nothing of the user's is written."""
    workspace = Path(directory)
    changes = compare_workspace(workspace)
    lines = [f"ecanalysis {__version__}: bundled notebooks and params against {workspace}"]
    for change in changes:
        own = (workspace / change.path).is_file()
        where = "your copy differs" if change.diff else ("your copy is the same" if own else "")
        added = sum(
            1 for x in change.diff.splitlines() if x.startswith("+") and not x.startswith("+++")
        )
        removed = sum(
            1 for x in change.diff.splitlines() if x.startswith("-") and not x.startswith("---")
        )
        counts = f" (+{added} -{removed} lines)" if change.diff else ""
        detail = f", {where}{counts}" if where else ""
        lines.append(f"  {change.status:9} {change.path}{detail}")
    diffs = [c.diff for c in changes if c.diff and c.status != "unchanged"]
    if diffs:
        lines.append("")
        lines.append("Differences of your copies from the new bundled files (nothing was changed):")
        lines.extend(d.rstrip("\n") for d in diffs)
    _write_state(workspace)
    return "\n".join(lines)


__all__ = [
    "STATE_FILE",
    "Change",
    "bundled_files",
    "compare_workspace",
    "init_workspace",
    "update_report",
]
