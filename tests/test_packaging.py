"""What a user installing fungrad relies on: the license, the changelog, the typed-package marker."""
import pathlib
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_pyproject_metadata():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    project = meta["project"]
    assert project["license"] == "MIT"
    assert "Typing :: Typed" in project["classifiers"]
    assert {"Homepage", "Source", "Issues", "Changelog"} <= set(project["urls"])
    # PEP 561: the marker is package data, so the wheel ships it
    assert "py.typed" in meta["tool"]["setuptools"]["package-data"]["fungrad"]
    assert (ROOT / "fungrad" / "py.typed").is_file()


def test_license_and_changelog():
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert "## [Unreleased]" in changelog and "## [0.1.0]" in changelog
