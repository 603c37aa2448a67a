"""axe-core in the page, and the Nu HTML checker (vnu.jar) over saved pages.

Both come from this folder's node_modules (`npm ci`, see package.json): nothing is fetched at
test time. Java runs vnu.jar; its start-up takes seconds, so it checks every page in one run.
"""

import json
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
VNU = HERE / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# The impacts the gate refuses: axe's "serious" and "critical" (WCAG failures that block or
# seriously hinder a reader); "moderate" and "minor" are reported but not gated.
GATED = ("serious", "critical")


def missing() -> str:
    """Why the gates cannot run here, or "" when they can."""
    if not AXE.exists() or not VNU.exists():
        return (
            f"axe-core or vnu-jar not installed in {HERE}: run `make gates-deps` "
            "(npm ci in that folder; needs npm)."
        )
    if shutil.which("java") is None:
        return "java not found: the Nu HTML checker (vnu.jar) needs a Java runtime."
    return ""


# axe.run resolves to its results; only the violations are kept, each rule with its nodes.
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ')),
  }));
}"""


def axe_violations(page) -> list[dict]:
    """Every axe violation on the page as loaded. The script is evaluated, not added as a
    <script> element, so the site's Content Security Policy stays in force."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(RUN_AXE)


def gated(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in GATED]


def vnu_errors(files: list[Path]) -> dict[Path, list[str]]:
    """The Nu checker's errors per file ("line N: message"), every file in one Java run."""
    if not files:
        return {}
    run = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    report = json.loads(run.stdout)
    errors: dict[Path, list[str]] = {f.resolve(): [] for f in files}
    for message in report["messages"]:
        if message.get("type") != "error" and message.get("subType") != "fatal":
            continue
        path = Path(message.get("url", "").removeprefix("file:")).resolve()
        errors.setdefault(path, []).append(f"line {message.get('lastLine')}: {message['message']}")
    return errors
