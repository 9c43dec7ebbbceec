"""Convert between the stored notebooks and a plain-text "percent" form for review and editing.

    python tools/nbsync.py to-ipynb notebooks/src/daily_report.py notebooks/daily_report.ipynb
    python tools/nbsync.py to-py notebooks/daily_report.ipynb -

Cells are separated by ``# %%`` lines; ``# %% [markdown]`` starts a markdown cell (each line
prefixed with ``# ``), ``# %% tags=["parameters"]`` a tagged code cell. The .ipynb files in
notebooks/ are the source of truth (analysts edit them in JupyterLab); this tool only helps
to write or review them as text. Output-free, with stable cell ids.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat

HEADER = re.compile(r"^# %%(?: \[(?P<kind>markdown)\])?(?: tags=(?P<tags>\[.*\]))?\s*$")


def py_to_notebook(text: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {
            "display_name": "Python 3 (ecanalysis)",
            "language": "python",
            "name": "python3",
        },
        "language_info": {"name": "python"},
    }
    cells, kind, tags, lines = [], None, [], []

    def flush():
        if kind is None:
            return
        body = "\n".join(lines).strip("\n")
        if kind == "markdown":
            body = "\n".join(
                line[2:] if line.startswith("# ") else line.lstrip("#")
                for line in body.splitlines()
            )
            cell = nbformat.v4.new_markdown_cell(body)
        else:
            cell = nbformat.v4.new_code_cell(body)
        if tags:
            cell.metadata["tags"] = tags
        cell.id = f"c{len(cells):02d}"
        cells.append(cell)

    for line in text.splitlines():
        match = HEADER.match(line)
        if match:
            flush()
            kind = match["kind"] or "code"
            tags = json.loads(match["tags"]) if match["tags"] else []
            lines = []
        else:
            lines.append(line)
    flush()
    nb.cells = cells
    return nb


def notebook_to_py(nb: nbformat.NotebookNode) -> str:
    out = []
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        suffix = f" tags={json.dumps(tags)}" if tags else ""
        if cell.cell_type == "markdown":
            out.append(f"# %% [markdown]{suffix}")
            out.extend(f"# {line}" if line else "#" for line in cell.source.splitlines())
        else:
            out.append(f"# %%{suffix}")
            out.extend(cell.source.splitlines())
        out.append("")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    command, source, target = argv
    if command == "to-ipynb":
        nb = py_to_notebook(Path(source).read_text(encoding="utf-8"))
        nbformat.validate(nb)
        Path(target).write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    elif command == "to-py":
        text = notebook_to_py(nbformat.read(source, as_version=4))
        if target == "-":
            sys.stdout.write(text)
        else:
            Path(target).write_text(text, encoding="utf-8")
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
