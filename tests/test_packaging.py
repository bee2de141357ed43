"""The files that make the package citable and its history readable (issue 22, item 3)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
RELEASE = re.compile(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", re.MULTILINE)


def test_license_file_states_the_license_pyproject_declares() -> None:
    assert PYPROJECT["project"]["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n") and "cogov-sim developers" in text
    assert "WITHOUT WARRANTY OF ANY KIND" in text


def test_citation_file_is_cff_1_2_0_and_agrees_with_the_package() -> None:
    yaml = pytest.importorskip("yaml")
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert {"message", "title", "authors", "type", "version", "license"} <= set(cff)
    assert cff["type"] == "software" and cff["license"] == PYPROJECT["project"]["license"]
    assert all("name" in a or "family-names" in a for a in cff["authors"]) and cff["authors"]
    assert cff["title"].startswith("cogov-sim")
    # the version to cite is the one the changelog's Unreleased section will be released as
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    upcoming = re.search(r"To be released as (\d+\.\d+\.\d+)", changelog)
    latest = RELEASE.search(changelog)
    assert str(cff["version"]) == (upcoming.group(1) if upcoming else latest.group(1))


def test_changelog_follows_keep_a_changelog() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n") and "Keep a Changelog" in text
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert headings[0] == "[Unreleased]"
    releases = RELEASE.findall(text)
    assert len(releases) == len(headings) - 1, f"malformed release heading in {headings}"
    versions = [tuple(int(x) for x in v.split(".")) for v, _ in releases]
    assert versions == sorted(versions, reverse=True)  # newest first
    dates = [d for _, d in releases]
    assert dates == sorted(dates, reverse=True)
    sections = set(re.findall(r"^### (.+)$", text, re.MULTILINE))
    assert sections <= {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


# -- the documentation site (mkdocs.yml; CI builds it with --strict) ------------------------

def _site() -> dict:  # type: ignore[type-arg]
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


def _nav_pages(nav: object) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [page for item in nav for page in _nav_pages(item)]
    if isinstance(nav, dict):
        return [page for value in nav.values() for page in _nav_pages(value)]
    return []


def test_site_navigation_lists_every_page_and_nothing_else() -> None:
    site = _site()
    listed = sorted(_nav_pages(site["nav"]))
    pages = sorted(str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md"))
    assert listed == pages
    assert site["strict"] is True and PYPROJECT["project"]["optional-dependencies"]["docs"]


def test_api_reference_names_existing_modules() -> None:
    named = [line.removeprefix("::: ").strip()
             for page in (ROOT / "docs" / "api").glob("*.md")
             for line in page.read_text(encoding="utf-8").splitlines() if line.startswith("::: ")]
    assert "cogov_sim.specs" in named and "cogov_sim.runner" in named
    missing = [m for m in named if not (ROOT / "src" / Path(*m.split("."))).with_suffix(".py")
               .is_file() and not (ROOT / "src" / Path(*m.split(".")) / "__init__.py").is_file()]
    assert not missing, f"the API reference names modules that do not exist: {missing}"


def test_gallery_shows_every_figure_in_docs_img() -> None:
    gallery = (ROOT / "docs" / "gallery.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"!\[[^\]]*\]\(img/([^)]+)\)", gallery))
    assert shown == {p.name for p in (ROOT / "docs" / "img").glob("*.png")}
